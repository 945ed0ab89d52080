import { readFileSync } from 'node:fs';
import { App, type CfnElement, type Stack } from 'aws-cdk-lib';
import type { Template } from 'aws-cdk-lib/assertions';
import { NpsLoopStack } from '../../cdk/nps-loop-stack.ts';
import { settingsFromContext } from '../../cdk/settings.ts';

/** The context of cdk.json (feature flags included), so tests see the template `cdk synth` makes. */
const cdkJsonContext = (): Record<string, unknown> => {
  const cdkJson = JSON.parse(readFileSync(new URL('../../cdk.json', import.meta.url), 'utf8')) as {
    context?: Record<string, unknown>;
  };
  return cdkJson.context ?? {};
};

export interface BuildOptions {
  /** Extra context, as `-c key=value` would give. */
  context?: Record<string, string>;
  /**
   * Bundle the functions with esbuild (slow: about a second each). Off, CDK stages no code, which is
   * enough for tests that only read the template.
   */
  bundle?: boolean;
}

/** Builds the stack the way cdk/app.ts does, from context, without cdk-nag registered on the app. */
export const buildStack = (options: BuildOptions = {}): { app: App; stack: NpsLoopStack } => {
  const app = new App({
    context: {
      ...cdkJsonContext(),
      ...options.context,
      ...(options.bundle ? {} : { 'aws:cdk:bundling-stacks': [] }),
    },
  });
  const stack = new NpsLoopStack(app, 'NpsLoopTest', { settings: settingsFromContext(app.node) });
  return { app, stack };
};

/** The logical id of a construct's CloudFormation resource (its default child, or itself). */
export const logicalIdOf = (
  stack: Stack,
  construct: { node: { defaultChild?: unknown } } | CfnElement,
): string => {
  const element = ('logicalId' in construct ? construct : construct.node.defaultChild) as CfnElement;
  return stack.resolve(element.logicalId) as string;
};

export interface PolicyStatement {
  Effect: string;
  Action: string | string[];
  Resource: unknown;
  Condition?: unknown;
}

/** Every statement of the policies attached to one role. */
export const roleStatements = (template: Template, roleLogicalId: string): PolicyStatement[] =>
  Object.values(template.findResources('AWS::IAM::Policy'))
    .filter((policy) => JSON.stringify(policy.Properties.Roles) === JSON.stringify([{ Ref: roleLogicalId }]))
    .flatMap((policy) => policy.Properties.PolicyDocument.Statement as PolicyStatement[]);

/** A glob of IAM's kind (`*` any run of characters, `?` one) as a whole-string regular expression. */
const globToRegExp = (pattern: string): RegExp =>
  new RegExp(
    `^${pattern
      .split('')
      .map((c) => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[.+^${}()|[\]\\]/g, '\\$&')))
      .join('')}$`,
  );

/**
 * A policy Resource as a comparable string: `arn:<logical id>` for a resource's ARN, `ref:<logical id>`
 * for a Ref, joins concatenated — so `<main table ARN>/index/byKind` reads `arn:DataMainTable…/index/byKind`.
 */
export const resourceText = (resource: unknown): string => {
  if (typeof resource === 'string') return resource;
  const value = resource as Record<string, unknown>;
  if (Array.isArray(value['Fn::GetAtt'])) return `arn:${String(value['Fn::GetAtt'][0])}`;
  if (typeof value.Ref === 'string') return `ref:${value.Ref}`;
  const join = value['Fn::Join'] as [string, unknown[]] | undefined;
  if (join) return join[1].map(resourceText).join(join[0]);
  throw new Error(`cannot read the resource ${JSON.stringify(resource)}`);
};

const listOf = <T>(value: T | T[] | undefined): T[] =>
  value === undefined ? [] : Array.isArray(value) ? value : [value];

/**
 * Whether a statement's conditions hold for a request whose partition key is `partitionKey`
 * (undefined: a request that names none, such as a Scan). Only the DynamoDB key condition is
 * understood; any other condition fails the test that meets it, rather than being guessed at.
 */
const conditionsHold = (statement: PolicyStatement, partitionKey: string | undefined): boolean => {
  const conditions = (statement.Condition ?? {}) as Record<string, Record<string, unknown>>;
  return Object.entries(conditions).every(([operator, keys]) => {
    const entries = Object.entries(keys);
    const [key, values] = entries[0] ?? [];
    if (entries.length !== 1 || key !== 'dynamodb:LeadingKeys') {
      throw new Error(`no evaluation for condition ${operator} ${JSON.stringify(keys)}`);
    }
    // IAM: ForAllValues over a key absent from the request is true — why a Scan must never be granted.
    if (partitionKey === undefined) return operator.startsWith('ForAllValues:');
    const patterns = listOf(values as string | string[]);
    if (operator === 'ForAllValues:StringLike')
      return patterns.some((p) => globToRegExp(p).test(partitionKey));
    if (operator === 'ForAllValues:StringEquals') return patterns.includes(partitionKey);
    throw new Error(`no evaluation for condition operator ${operator}`);
  });
};

/**
 * Whether these statements allow `action` on the resource `resource` (as resourceText writes it)
 * for a request on `partitionKey`: some Allow statement matches action, resource and conditions,
 * and no Deny statement does.
 */
export const allows = (
  statements: readonly PolicyStatement[],
  action: string,
  resource: string,
  partitionKey: string | undefined,
): boolean => {
  const matches = (s: PolicyStatement) =>
    listOf(s.Action).some((a) => globToRegExp(a).test(action)) &&
    listOf(s.Resource).some((r) => globToRegExp(resourceText(r)).test(resource)) &&
    conditionsHold(s, partitionKey);
  return (
    statements.some((s) => s.Effect === 'Allow' && matches(s)) &&
    !statements.some((s) => s.Effect === 'Deny' && matches(s))
  );
};
