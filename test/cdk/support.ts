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
