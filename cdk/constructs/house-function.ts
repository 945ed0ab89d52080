import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ArnFormat, type Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import type { FunctionName } from '#functions/routes';
import { type FunctionTableAccess, ITEM_ACTIONS, type ItemVerb } from '../table-access.ts';

/** The repository root: entries, package.json (its `imports` aliases) and the lock file live there. */
const PROJECT_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/**
 * A file the code reads at run time: `from` the repository root, `to` the bundle root — the place
 * the code's own lookup finds it both in the repository and in the bundle.
 */
export interface BundleFile {
  from: string;
  to: string;
}

export interface HouseFunctionProps {
  /** `functions/<name>.ts`, exporting `handler`. */
  name: FunctionName;
  description: string;
  timeout: Duration;
  memorySize?: number;
  functionName?: string;
  environment: Record<string, string>;
  /** The function's line of cdk/table-access.ts, and the two tables it speaks of: nothing else is granted. */
  tableAccess?: {
    access: FunctionTableAccess;
    main: dynamodb.ITable;
    aggregates: dynamodb.ITable;
    purchases: dynamodb.ITable;
  };
  /** Secrets this function may read (GetSecretValue on exactly these). */
  secrets?: ReadonlyArray<secretsmanager.ISecret>;
  /** Files the code reads at run time, copied into the bundle. */
  bundleFiles?: readonly BundleFile[];
}

/**
 * ESM bundles need `require` for the CommonJS dependencies esbuild inlines (they call
 * `require('node:crypto')` and friends at run time).
 */
const ESM_REQUIRE_SHIM =
  "import { createRequire as __houseCreateRequire } from 'node:module';" +
  'const require = __houseCreateRequire(import.meta.url);';

/** `ForAllValues:StringLike` on the partition key of the table or index the request reaches. */
const partitionKeysLike = (patterns: readonly string[]) => ({
  'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': [...patterns] },
});

const indexArn = (table: dynamodb.ITable, indexName: string) => `${table.tableArn}/index/${indexName}`;

/**
 * A table keyed by partition (main, purchases): one statement per distinct set of partitions,
 * holding every action granted on exactly that set; one Query statement per index.
 */
const keyedTableStatements = (
  table: dynamodb.ITable,
  access:
    | ({ readonly [V in ItemVerb]?: readonly string[] } & {
        readonly indexes?: { readonly [index: string]: readonly string[] | undefined };
      })
    | undefined,
): iam.PolicyStatement[] => {
  const statements: iam.PolicyStatement[] = [];
  const byPartitions = new Map<string, { actions: string[]; partitions: string[] }>();
  for (const verb of Object.keys(ITEM_ACTIONS) as ItemVerb[]) {
    const partitions = [...new Set(access?.[verb] ?? [])].sort();
    if (partitions.length === 0) continue;
    const key = partitions.join(' ');
    const group = byPartitions.get(key) ?? { actions: [], partitions };
    group.actions.push(ITEM_ACTIONS[verb]);
    byPartitions.set(key, group);
  }
  for (const { actions, partitions } of byPartitions.values()) {
    statements.push(
      new iam.PolicyStatement({
        actions,
        resources: [table.tableArn],
        conditions: partitionKeysLike(partitions),
      }),
    );
  }
  for (const [indexName, partitions] of Object.entries(access?.indexes ?? {})) {
    if (!partitions?.length) continue;
    statements.push(
      new iam.PolicyStatement({
        actions: ['dynamodb:Query'],
        resources: [indexArn(table, indexName)],
        conditions: partitionKeysLike([...new Set(partitions)].sort()),
      }),
    );
  }
  return statements;
};

/**
 * The IAM statements of one line of cdk/table-access.ts (the reasons for their shape are written
 * there): on the main and purchases tables, one statement per distinct set of partitions, holding
 * every action granted on exactly that set; one Query statement per index, over the index's own
 * partitions; on the aggregates table, its actions without a key condition. No statement can Scan.
 */
export const tableAccessStatements = ({
  access,
  main,
  aggregates,
  purchases,
}: NonNullable<HouseFunctionProps['tableAccess']>): iam.PolicyStatement[] => {
  const statements: iam.PolicyStatement[] = [
    ...keyedTableStatements(main, access.main),
    ...keyedTableStatements(purchases, access.purchases),
  ];

  const counters = access.aggregates;
  const counterActions = [
    ...(counters?.update ? ['dynamodb:UpdateItem'] : []),
    ...(counters?.query ? ['dynamodb:Query'] : []),
  ];
  if (counterActions.length > 0) {
    statements.push(new iam.PolicyStatement({ actions: counterActions, resources: [aggregates.tableArn] }));
  }
  if (counters?.indexes?.length) {
    statements.push(
      new iam.PolicyStatement({
        actions: ['dynamodb:Query'],
        resources: counters.indexes.map((indexName) => indexArn(aggregates, indexName)),
      }),
    );
  }
  return statements;
};

/**
 * The house Lambda function: every nps-loop function is built the same way — Node.js 24 on Graviton,
 * an ESM bundle made locally by esbuild (AWS SDK included, so versions are the pinned ones),
 * minified with source maps, X-Ray tracing, its own log group kept one month, and its own role
 * holding only what this function was granted (no AWS managed policies).
 */
export class HouseFunction extends Construct {
  readonly fn: NodejsFunction;
  readonly role: iam.Role;
  readonly logGroup: logs.LogGroup;
  /** The function's fixed name, when it has one. */
  private readonly fixedName: string | undefined;

  constructor(scope: Construct, id: string, props: HouseFunctionProps) {
    super(scope, id);
    this.fixedName = props.functionName;

    this.logGroup = new logs.LogGroup(this, 'Logs', {
      retention: logs.RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });

    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `nps-loop ${props.name}`,
    });
    // What AWSLambdaBasicExecutionRole grants, but on this function's log group only.
    this.logGroup.grantWrite(this.role);

    this.fn = new NodejsFunction(this, 'Function', {
      entry: `${PROJECT_ROOT}functions/${props.name}.ts`,
      handler: 'handler',
      projectRoot: PROJECT_ROOT,
      depsLockFilePath: `${PROJECT_ROOT}package-lock.json`,
      functionName: props.functionName,
      description: props.description,
      runtime: lambda.Runtime.NODEJS_24_X,
      architecture: lambda.Architecture.ARM_64,
      memorySize: props.memorySize ?? 512,
      timeout: props.timeout,
      role: this.role,
      logGroup: this.logGroup,
      tracing: lambda.Tracing.ACTIVE,
      environment: {
        ...props.environment,
        NODE_OPTIONS: '--enable-source-maps',
        POWERTOOLS_SERVICE_NAME: 'nps-loop',
        // Error texts can name a recipient (SES); logs are redacted, traces would not be.
        POWERTOOLS_TRACER_CAPTURE_ERROR: 'false',
        POWERTOOLS_LOG_LEVEL: 'INFO',
      },
      bundling: {
        format: OutputFormat.ESM,
        mainFields: ['module', 'main'],
        banner: ESM_REQUIRE_SHIM,
        target: 'node24',
        minify: true,
        sourceMap: true,
        sourcesContent: false,
        // Bundle the AWS SDK rather than use the runtime's copy: the versions are the lock file's.
        externalModules: [],
        bundleAwsSDK: true,
        commandHooks: props.bundleFiles?.length
          ? {
              beforeBundling: () => [],
              beforeInstall: () => [],
              afterBundling: (inputDir: string, outputDir: string) =>
                (props.bundleFiles ?? []).map(
                  ({ from, to }) =>
                    `mkdir -p "${outputDir}/${dirname(to)}" && cp "${inputDir}/${from}" "${outputDir}/${to}"`,
                ),
            }
          : undefined,
      },
    });

    if (props.tableAccess) {
      for (const statement of tableAccessStatements(props.tableAccess))
        this.role.addToPrincipalPolicy(statement);
    }
    for (const secret of props.secrets ?? []) secret.grantRead(this.role);

    this.acknowledgeWildcard(
      'Resource::*',
      'X-Ray PutTraceSegments and PutTelemetryRecords (active tracing) support no resource-level permissions.',
    );
  }

  /** Allows `lambda:InvokeFunction` on exactly that function (no `:*` version/alias wildcard). */
  allowInvoke(target: lambda.IFunction): void {
    // A function that starts itself again (dispatch, sender) is named by its ARN built from its fixed
    // name: its own functionArn in its own role's policy would make the template a cycle.
    const arn =
      target === this.fn && this.fixedName
        ? Stack.of(this).formatArn({
            service: 'lambda',
            resource: 'function',
            resourceName: this.fixedName,
            arnFormat: ArnFormat.COLON_RESOURCE_NAME,
          })
        : target.functionArn;
    this.role.addToPrincipalPolicy(
      new iam.PolicyStatement({ actions: ['lambda:InvokeFunction'], resources: [arn] }),
    );
  }

  /**
   * Acknowledges one cdk-nag IAM5 wildcard finding on this function's role only, with the reason
   * it cannot be narrower. Each caller states its own reason, so the audit trail keeps them all.
   */
  acknowledgeWildcard(finding: string, reason: string): void {
    Validations.of(this.role).acknowledge({ id: `AwsSolutions-IAM5[${finding}]`, reason });
  }
}
