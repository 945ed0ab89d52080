import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { beforeAll, describe, expect, it } from 'vitest';
import { FUNCTION_SPECS, type NpsLoopStack } from '../../cdk/nps-loop-stack.ts';
import {
  ALL_FUNCTIONS,
  DAILY_FUNCTIONS,
  DEFAULT_ROUTE,
  DISPATCH_FUNCTION,
  type FunctionName,
  HTTP_FUNCTIONS,
  QUEUE_CONSUMERS,
  ROUTES,
  SCHEDULED_FUNCTIONS,
  SENDER_FUNCTION,
  SIGN_IN_LINK_FUNCTION,
  STREAM_CONSUMERS,
  type StreamFunctionName,
  VALUE_FUNCTION,
} from '../../functions/routes.ts';
import { CHART_FILES } from '../../shared/pages/vendor.ts';
import { AGGREGATES_TABLE, MAIN_TABLE, PURCHASES_TABLE } from '../../shared/store/model.ts';
import { buildStack, logicalIdOf, type PolicyStatement, roleStatements } from './support.ts';

type Resources = Record<
  string,
  { Type: string; Properties: Record<string, unknown>; DeletionPolicy?: string }
>;

const STREAM_NAMES = Object.keys(STREAM_CONSUMERS) as StreamFunctionName[];
const asList = <T>(value: T | T[]): T[] => (Array.isArray(value) ? value : [value]);

// One synth for the whole file, with real esbuild bundling: it also proves every handler bundles.
let app: App;
let stack: NpsLoopStack;
let template: Template;
let resources: Resources;
let assemblyDir: string;

beforeAll(() => {
  ({ app, stack } = buildStack({ bundle: true }));
  const assembly = app.synth();
  assemblyDir = assembly.directory;
  template = Template.fromJSON(assembly.getStackByName(stack.stackName).template);
  resources = template.toJSON().Resources as Resources;
}, 120_000);

const fnId = (name: FunctionName) => logicalIdOf(stack, stack.functions[name].fn);
const fnProps = (name: FunctionName) => {
  const resource = resources[fnId(name)];
  if (!resource) throw new Error(`no function resource for ${name}`);
  return resource.Properties as {
    Environment: { Variables: Record<string, unknown> };
    Timeout: number;
    Code: { S3Key: string };
  };
};
/** Every statement of the function's own role policy. */
const statementsOf = (name: FunctionName): PolicyStatement[] =>
  roleStatements(template, logicalIdOf(stack, stack.functions[name].role));
/** Actions allowed on a resource (its Ref or Arn, index ARNs included; a table's stream is not the table). */
const actionsOn = (name: FunctionName, logicalId: string): string[] => {
  const refs = [JSON.stringify({ Ref: logicalId }), JSON.stringify({ 'Fn::GetAtt': [logicalId, 'Arn'] })];
  return statementsOf(name)
    .filter((s) => refs.some((ref) => JSON.stringify(s.Resource).includes(ref)))
    .flatMap((s) => asList(s.Action));
};

describe('tables', () => {
  it('declares the main table from shared/store/model.ts, with its stream, TTL and point-in-time recovery', () => {
    template.hasResource('AWS::DynamoDB::Table', {
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
      Properties: Match.objectLike({
        KeySchema: [
          { AttributeName: MAIN_TABLE.partitionKey, KeyType: 'HASH' },
          { AttributeName: MAIN_TABLE.sortKey, KeyType: 'RANGE' },
        ],
        BillingMode: 'PAY_PER_REQUEST',
        StreamSpecification: { StreamViewType: 'NEW_AND_OLD_IMAGES' },
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        TimeToLiveSpecification: { AttributeName: MAIN_TABLE.ttlAttribute, Enabled: true },
        GlobalSecondaryIndexes: Object.entries(MAIN_TABLE.indexes).map(([indexName, index]) => ({
          IndexName: indexName,
          KeySchema: [
            { AttributeName: index.partitionKey, KeyType: 'HASH' },
            { AttributeName: index.sortKey, KeyType: 'RANGE' },
          ],
          Projection: { ProjectionType: 'ALL' },
        })),
      }),
    });
  });

  it('declares the aggregates table without a stream, with point-in-time recovery', () => {
    template.hasResource('AWS::DynamoDB::Table', {
      DeletionPolicy: 'Retain',
      Properties: Match.objectLike({
        KeySchema: [
          { AttributeName: AGGREGATES_TABLE.partitionKey, KeyType: 'HASH' },
          { AttributeName: AGGREGATES_TABLE.sortKey, KeyType: 'RANGE' },
        ],
        StreamSpecification: Match.absent(),
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        GlobalSecondaryIndexes: Object.keys(AGGREGATES_TABLE.indexes).map((indexName) =>
          Match.objectLike({ IndexName: indexName, Projection: { ProjectionType: 'ALL' } }),
        ),
      }),
    });
  });

  it('declares the purchases table without a stream, so an import never queues ahead of answers', () => {
    template.hasResource('AWS::DynamoDB::Table', {
      DeletionPolicy: 'Retain',
      Properties: Match.objectLike({
        KeySchema: [
          { AttributeName: PURCHASES_TABLE.partitionKey, KeyType: 'HASH' },
          { AttributeName: PURCHASES_TABLE.sortKey, KeyType: 'RANGE' },
        ],
        StreamSpecification: Match.absent(),
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        GlobalSecondaryIndexes: Object.keys(PURCHASES_TABLE.indexes).map((indexName) =>
          Match.objectLike({ IndexName: indexName, Projection: { ProjectionType: 'ALL' } }),
        ),
      }),
    });
    template.resourceCountIs('AWS::DynamoDB::Table', 3);
  });
});

describe('functions', () => {
  it('has one function per handler, all Node.js 24 on arm64 with tracing, source maps and their own log group', () => {
    template.resourceCountIs('AWS::Lambda::Function', ALL_FUNCTIONS.length);
    for (const name of ALL_FUNCTIONS) {
      template.hasResourceProperties('AWS::Lambda::Function', {
        // The functions others start by name have fixed names (see the stack).
        FunctionName: [DISPATCH_FUNCTION, SENDER_FUNCTION, VALUE_FUNCTION, SIGN_IN_LINK_FUNCTION].includes(
          name,
        )
          ? `${stack.stackName}-${name}`
          : Match.absent(),
        Role: { 'Fn::GetAtt': [logicalIdOf(stack, stack.functions[name].role), 'Arn'] },
        Runtime: 'nodejs24.x',
        Architectures: ['arm64'],
        Handler: 'index.handler',
        TracingConfig: { Mode: 'Active' },
        LoggingConfig: { LogGroup: { Ref: logicalIdOf(stack, stack.functions[name].logGroup) } },
        Environment: { Variables: Match.objectLike({ NODE_OPTIONS: '--enable-source-maps' }) },
      });
    }
    template.allResourcesProperties('AWS::Logs::LogGroup', { RetentionInDays: 30 });
  });

  it('bundles every handler into its own self-contained ESM asset', () => {
    const keys = new Set<string>();
    for (const name of ALL_FUNCTIONS) {
      const hash = fnProps(name).Code.S3Key.replace(/\.zip$/, '');
      keys.add(hash);
      const bundle = join(assemblyDir, `asset.${hash}`, 'index.mjs');
      expect(existsSync(bundle), `${name} bundle`).toBe(true);
      expect(existsSync(`${bundle}.map`), `${name} source map`).toBe(true);
      const code = readFileSync(bundle, 'utf8');
      expect(code.startsWith('import { createRequire'), `${name} ESM require shim`).toBe(true);
      // The SDK is bundled (pinned by the lock file), not taken from the runtime.
      expect(code, `${name} imports nothing from node_modules`).not.toMatch(/from\s*"@aws-sdk\//);
    }
    expect(keys.size).toBe(ALL_FUNCTIONS.length);
  });

  it('ships the chart library with the dashboard, and its bundle serves the page on its own', async () => {
    const dir = join(assemblyDir, `asset.${fnProps('dashboard').Code.S3Key.replace(/\.zip$/, '')}`);
    for (const file of CHART_FILES) expect(existsSync(join(dir, 'node_modules', file)), file).toBe(true);
    // The bundle, as Lambda loads it: no repository node_modules above it to fall back on.
    const isolated = mkdtempSync(join(tmpdir(), 'dashboard-'));
    cpSync(dir, isolated, { recursive: true });
    try {
      const { handler } = (await import(pathToFileURL(join(isolated, 'index.mjs')).href)) as {
        handler: (event: unknown, context: unknown) => Promise<{ statusCode: number; body: string }>;
      };
      const res = await handler(
        {
          version: '2.0',
          routeKey: 'GET /dashboard',
          rawPath: '/dashboard',
          rawQueryString: '',
          headers: {},
          isBase64Encoded: false,
          requestContext: { http: { method: 'GET', path: '/dashboard' }, requestId: 'test' },
        },
        { getRemainingTimeInMillis: () => 10_000, functionName: 'dashboard', awsRequestId: 'test' },
      );
      expect(res.statusCode).toBe(200);
      expect(res.body).toContain('uPlot');
      // And the dashboard's own bundled code (shared/pages/browser), copied beside the handler.
      expect(res.body).toContain('nps-admin-key');
    } finally {
      rmSync(isolated, { recursive: true, force: true });
    }
  });

  it('gives HTTP functions 10 s, stream consumers and minute ticks 60 s, the sender 5 min, the dispatch and the value recompute 15 min', () => {
    for (const name of HTTP_FUNCTIONS) expect(fnProps(name).Timeout, name).toBe(10);
    for (const name of [...STREAM_NAMES, ...SCHEDULED_FUNCTIONS].filter((n) => n !== SENDER_FUNCTION))
      expect(fnProps(name).Timeout, name).toBe(60);
    expect(fnProps(SENDER_FUNCTION).Timeout).toBe(300);
    expect(fnProps(DISPATCH_FUNCTION).Timeout).toBe(900);
    expect(fnProps(VALUE_FUNCTION).Timeout).toBe(900);
  });

  it('configures every function for AWS: tables, public URL, sender, dispatch name and secret ids', () => {
    const tokenKey = logicalIdOf(stack, stack.keys.tokenKey);
    const adminKey = logicalIdOf(stack, stack.keys.adminKey);
    for (const name of ALL_FUNCTIONS) {
      const env = fnProps(name).Environment.Variables;
      expect(env, name).toMatchObject({
        TABLE_NAME: { Ref: logicalIdOf(stack, stack.data.mainTable) },
        AGGREGATES_TABLE_NAME: { Ref: logicalIdOf(stack, stack.data.aggregatesTable) },
        PURCHASES_TABLE_NAME: { Ref: logicalIdOf(stack, stack.data.purchasesTable) },
        // No custom domain: links point at the API itself.
        PUBLIC_URL: { 'Fn::GetAtt': [logicalIdOf(stack, stack.api.httpApi), 'ApiEndpoint'] },
        SENDER_EMAIL: 'surveys@example.com',
        TIME_ZONE: 'UTC',
        TOKEN_TTL_DAYS: '30',
        DISPATCH_FUNCTION_NAME: `${stack.stackName}-${DISPATCH_FUNCTION}`,
        VALUE_FUNCTION_NAME: `${stack.stackName}-${VALUE_FUNCTION}`,
        SIGN_IN_FUNCTION_NAME: `${stack.stackName}-${SIGN_IN_LINK_FUNCTION}`,
        TOKEN_KEY_SECRET_ID: { Ref: tokenKey },
        ADMIN_KEY_SECRET_ID: { Ref: adminKey },
        SUPPRESSION_KEY_SECRET_ID: { Ref: logicalIdOf(stack, stack.keys.suppressionKey) },
      });
      for (const localOnly of ['LOCAL_MODE', 'DYNAMODB_ENDPOINT', 'SES_ENDPOINT', 'LAMBDA_ENDPOINT']) {
        expect(env, `${name} ${localOnly}`).not.toHaveProperty(localOnly);
      }
    }
  });
});

describe('secrets', () => {
  it('generates the three keys in Secrets Manager: the template holds no key value', () => {
    template.resourceCountIs('AWS::SecretsManager::Secret', 3);
    for (const key of ['token-key', 'admin-key', 'suppression-key']) {
      template.hasResourceProperties('AWS::SecretsManager::Secret', { Name: `${stack.stackName}/${key}` });
    }
    template.allResourcesProperties('AWS::SecretsManager::Secret', {
      GenerateSecretString: { ExcludePunctuation: true, PasswordLength: 48 },
      SecretString: Match.absent(),
    });
    expect(JSON.stringify(template.toJSON())).not.toContain('{{resolve:secretsmanager');
  });

  it('never passes a key value in the environment, only secret ids', () => {
    for (const name of ALL_FUNCTIONS) {
      const env = fnProps(name).Environment.Variables;
      expect(env, name).not.toHaveProperty('TOKEN_KEY');
      expect(env, name).not.toHaveProperty('ADMIN_KEY');
      expect(env, name).not.toHaveProperty('SUPPRESSION_KEY');
      for (const [variable, value] of Object.entries(env)) {
        // A secret can only appear as its ARN (Ref); GetAtt or dynamic references would leak the value.
        expect(JSON.stringify(value), `${name} ${variable}`).not.toMatch(
          /resolve:secretsmanager|SecretString/,
        );
      }
    }
  });

  it('lets only the functions that verify tokens read the token key, and only the admin API the admin key', () => {
    const tokenKey = logicalIdOf(stack, stack.keys.tokenKey);
    const adminKey = logicalIdOf(stack, stack.keys.adminKey);
    for (const name of ALL_FUNCTIONS) {
      const keys = FUNCTION_SPECS[name].keys ?? [];
      expect(actionsOn(name, tokenKey).includes('secretsmanager:GetSecretValue'), `${name} token key`).toBe(
        keys.includes('tokenKey'),
      );
      expect(actionsOn(name, adminKey).includes('secretsmanager:GetSecretValue'), `${name} admin key`).toBe(
        keys.includes('adminKey'),
      );
    }
    // admin-api signs the unsubscribe link of a case follow-up email.
    expect(ALL_FUNCTIONS.filter((n) => FUNCTION_SPECS[n].keys?.includes('tokenKey')).sort()).toEqual(
      [
        'admin-api',
        'dispatch-campaign',
        'leave-survey',
        'record-scan',
        'recompute-value',
        'send-invites',
        'submit-response',
        'survey-page',
        'sweep-outbox',
        'unsubscribe',
      ].sort(),
    );
    expect(ALL_FUNCTIONS.filter((n) => FUNCTION_SPECS[n].keys?.includes('adminKey'))).toEqual(['admin-api']);
  });

  it('lets only the functions that read or write the suppression list read its HMAC key', () => {
    const suppressionKey = logicalIdOf(stack, stack.keys.suppressionKey);
    const readers = ALL_FUNCTIONS.filter((name) =>
      actionsOn(name, suppressionKey).includes('secretsmanager:GetSecretValue'),
    );
    // dispatch (audience pages), the sender (pages of invites), the sweep (reminders), the admin
    // API (case follow-ups), unsubscribe and SES feedback (the writers).
    expect(readers.sort()).toEqual([
      'admin-api',
      'dispatch-campaign',
      'recompute-value',
      'record-ses-events',
      'send-invites',
      'sweep-outbox',
      'unsubscribe',
    ]);
  });
});

describe('stream consumers', () => {
  it.each(STREAM_NAMES)(
    '%s: filtered, partial-failure reporting mapping with a dead-letter queue',
    (name) => {
      const settings = STREAM_CONSUMERS[name];
      const consumer = stack.streamConsumers[name];
      template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
        FunctionName: { Ref: fnId(name) },
        EventSourceArn: { 'Fn::GetAtt': [logicalIdOf(stack, stack.data.mainTable), 'StreamArn'] },
        StartingPosition: 'TRIM_HORIZON',
        BatchSize: settings.batchSize,
        MaximumBatchingWindowInSeconds:
          settings.batchingWindowMs > 0 ? settings.batchingWindowMs / 1000 : Match.absent(),
        MaximumRetryAttempts: settings.maxRetries,
        FunctionResponseTypes: ['ReportBatchItemFailures'],
        BisectBatchOnFunctionError: true,
        ParallelizationFactor: 1,
        MaximumRecordAgeInSeconds: 86_400,
        DestinationConfig: {
          OnFailure: { Destination: { 'Fn::GetAtt': [logicalIdOf(stack, consumer.deadLetterQueue), 'Arn'] } },
        },
        FilterCriteria: {
          Filters: [{ Pattern: JSON.stringify({ dynamodb: { Keys: { sk: { S: [settings.sortKey] } } } }) }],
        },
        TumblingWindowInSeconds: name === 'rollup-responses' ? 1 : Match.absent(),
      });
    },
  );

  it('keeps one encrypted, TLS-only dead-letter queue per consumer (plus the alert queue and its DLQ)', () => {
    template.resourceCountIs('AWS::SQS::Queue', STREAM_NAMES.length + 2);
    template.allResourcesProperties('AWS::SQS::Queue', { SqsManagedSseEnabled: true });
    template.hasResourceProperties('AWS::SQS::QueuePolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]),
      },
    });
  });
});

describe('SES feedback', () => {
  it('publishes bounces and complaints of the stack configuration set to the suppression function', () => {
    const setId = logicalIdOf(stack, stack.sesEvents?.configurationSet ?? stack);
    template.hasResourceProperties('AWS::SES::ConfigurationSetEventDestination', {
      ConfigurationSetName: { Ref: setId },
      EventDestination: Match.objectLike({
        Enabled: true,
        MatchingEventTypes: ['bounce', 'complaint'],
        SnsDestination: { TopicARN: { Ref: logicalIdOf(stack, stack.sesEvents?.topic ?? stack) } },
      }),
    });
    template.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'lambda',
      Endpoint: { 'Fn::GetAtt': [fnId('record-ses-events'), 'Arn'] },
    });
    for (const name of ALL_FUNCTIONS) {
      expect(fnProps(name).Environment.Variables.SES_CONFIGURATION_SET, name).toEqual({ Ref: setId });
    }
  });
});

describe('alert queue', () => {
  const queueId = () => logicalIdOf(stack, stack.alertQueue.queue);
  it('dead-letters a message after its receive limit, and alarms on the dead-letter queue', () => {
    template.hasResourceProperties('AWS::SQS::Queue', {
      RedrivePolicy: {
        deadLetterTargetArn: { 'Fn::GetAtt': [logicalIdOf(stack, stack.alertQueue.deadLetterQueue), 'Arn'] },
        maxReceiveCount: QUEUE_CONSUMERS['deliver-alerts'].maxReceiveCount,
      },
      VisibilityTimeout: 360,
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Dimensions: [
        {
          Name: 'QueueName',
          Value: { 'Fn::GetAtt': [logicalIdOf(stack, stack.alertQueue.deadLetterQueue), 'QueueName'] },
        },
      ],
      Threshold: 0,
    });
  });

  it('feeds the deliver function in batches that report partial failures', () => {
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      EventSourceArn: { 'Fn::GetAtt': [queueId(), 'Arn'] },
      FunctionName: { Ref: fnId('deliver-alerts') },
      BatchSize: QUEUE_CONSUMERS['deliver-alerts'].batchSize,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
    });
  });

  it('lets only the alert producers send to it, and tells every function its URL', () => {
    for (const name of ALL_FUNCTIONS) {
      const queueArn = JSON.stringify({ 'Fn::GetAtt': [queueId(), 'Arn'] });
      const sends = statementsOf(name).some(
        (st) =>
          asList(st.Action).includes('sqs:SendMessage') &&
          asList(st.Resource).some((r) => JSON.stringify(r) === queueArn),
      );
      expect(sends, name).toBe(Boolean(FUNCTION_SPECS[name].queuesAlerts));
      expect(fnProps(name).Environment.Variables.ALERT_QUEUE_URL).toEqual({ Ref: queueId() });
    }
  });
});

describe('HTTP API', () => {
  it('declares exactly the routes of functions/routes.ts', () => {
    const routeKeys = Object.values(resources)
      .filter((r) => r.Type === 'AWS::ApiGatewayV2::Route')
      .map((r) => r.Properties.RouteKey);
    expect(routeKeys.sort()).toEqual([...ROUTES.map((r) => r.routeKey), DEFAULT_ROUTE.routeKey].sort());
  });

  it('sends each route to its function, through one integration per function', () => {
    const integrationTarget = (routeKey: string): unknown => {
      const route = Object.values(resources).find(
        (r) => r.Type === 'AWS::ApiGatewayV2::Route' && r.Properties.RouteKey === routeKey,
      );
      if (!route) throw new Error(`no route ${routeKey}`);
      const target = route.Properties.Target as { 'Fn::Join': [string, [string, { Ref: string }]] };
      return resources[target['Fn::Join'][1][1].Ref]?.Properties.IntegrationUri;
    };
    for (const { routeKey, fn } of [...ROUTES, DEFAULT_ROUTE]) {
      expect(integrationTarget(routeKey), routeKey).toEqual({ 'Fn::GetAtt': [fnId(fn), 'Arn'] });
    }
    template.resourceCountIs(
      'AWS::ApiGatewayV2::Integration',
      new Set([...ROUTES, DEFAULT_ROUTE].map((r) => r.fn)).size,
    );
  });

  it('serves a throttled $default stage with access logs that never record the token-bearing path', () => {
    template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      StageName: '$default',
      AutoDeploy: true,
      // The stage default, which only the `$default` route (404s) falls to.
      DefaultRouteSettings: { ThrottlingRateLimit: 10, ThrottlingBurstLimit: 20 },
      AccessLogSettings: {
        DestinationArn: { 'Fn::GetAtt': [logicalIdOf(stack, stack.api.accessLogs), 'Arn'] },
        Format: Match.stringLikeRegexp('\\$context\\.routeKey'),
      },
    });
    const stage = Object.values(resources).find((r) => r.Type === 'AWS::ApiGatewayV2::Stage');
    expect(JSON.stringify(stage?.Properties.AccessLogSettings)).not.toMatch(/\$context\.(path|rawPath)/);
  });

  it('throttles every route with its class limits: surveys, unsubscribes, sign-in, admin', () => {
    const stage = Object.values(resources).find((r) => r.Type === 'AWS::ApiGatewayV2::Stage');
    const routeSettings = stage?.Properties.RouteSettings as Record<string, unknown>;
    const limits = {
      survey: { ThrottlingRateLimit: 200, ThrottlingBurstLimit: 400 },
      unsubscribe: { ThrottlingRateLimit: 50, ThrottlingBurstLimit: 100 },
      auth: { ThrottlingRateLimit: 5, ThrottlingBurstLimit: 10 },
      admin: { ThrottlingRateLimit: 50, ThrottlingBurstLimit: 100 },
    };
    const classOf = (path: string) =>
      path.startsWith('/s/') || path.startsWith('/leave/')
        ? 'survey'
        : path.startsWith('/u/')
          ? 'unsubscribe'
          : path.startsWith('/auth/')
            ? 'auth'
            : path.startsWith('/api/') || path === '/dashboard'
              ? 'admin'
              : undefined;
    for (const { routeKey } of ROUTES) {
      const routeClass = classOf(routeKey.split(' ')[1] ?? '');
      expect(routeClass, routeKey).toBeDefined();
      expect(routeSettings[routeKey], routeKey).toEqual(limits[routeClass ?? 'admin']);
    }
    // Exactly the declared routes: a setting for an unknown route key fails the deploy.
    expect(Object.keys(routeSettings).sort()).toEqual(ROUTES.map((r) => r.routeKey).sort());
  });

  it('creates the stage after its routes, which API Gateway needs to accept their settings', () => {
    const stage = Object.values(template.findResources('AWS::ApiGatewayV2::Stage'))[0];
    const routeIds = Object.entries(resources)
      .filter(
        ([, r]) => r.Type === 'AWS::ApiGatewayV2::Route' && r.Properties.RouteKey !== DEFAULT_ROUTE.routeKey,
      )
      .map(([id]) => id);
    expect(routeIds).toHaveLength(ROUTES.length);
    expect(stage?.DependsOn).toEqual(expect.arrayContaining(routeIds));
  });
});

describe('sending', () => {
  it('lets only the senders call ses:SendEmail, scoped to the sender identity, never *', () => {
    const senders = ALL_FUNCTIONS.filter((n) => FUNCTION_SPECS[n].sendsEmail);
    // Surveys (the sender), reminders and alert emails to owners (sweep, deliver-alerts), case
    // follow-ups and event-triggered surveys (admin-api), "why did you leave?" emails (the value
    // recompute's win-back pass), sign-in links (their own function, never the route that answers).
    // The dispatch only writes invites.
    expect(senders.sort()).toEqual([
      'admin-api',
      'deliver-alerts',
      'recompute-value',
      'send-invites',
      'send-sign-in-link',
      'sweep-outbox',
    ]);
    for (const name of ALL_FUNCTIONS) {
      const ses = statementsOf(name).filter((s) => asList(s.Action).includes('ses:SendEmail'));
      if (!senders.includes(name)) {
        expect(ses, name).toEqual([]);
        continue;
      }
      expect(ses, name).toHaveLength(1);
      const [statement] = ses;
      const arns = asList(statement?.Resource).map((r) => JSON.stringify(r));
      expect(arns).toHaveLength(3);
      expect(arns).toEqual(
        expect.arrayContaining([
          expect.stringMatching(/:identity\/example\.com"\]\]\}$/),
          expect.stringMatching(/:identity\/surveys@example\.com"\]\]\}$/),
          // The stack's own configuration set, which publishes bounces and complaints.
          expect.stringContaining(':configuration-set/'),
        ]),
      );
      expect(arns.join()).not.toContain('"*"');
      expect(statement?.Condition).toEqual({ StringEquals: { 'ses:FromAddress': 'surveys@example.com' } });
    }
  });

  it('lets only the run starters invoke the dispatch, the sender starters the sender, the admin API the value recompute, and nothing else', () => {
    // Each is named by ARN; a function starting itself by its fixed name (a GetAtt of its own ARN
    // in its own policy would be a cycle).
    const arnOf = (
      target:
        | typeof DISPATCH_FUNCTION
        | typeof SENDER_FUNCTION
        | typeof VALUE_FUNCTION
        | typeof SIGN_IN_LINK_FUNCTION,
      caller: string,
    ) =>
      caller === target
        ? {
            'Fn::Join': [
              '',
              [
                'arn:',
                { Ref: 'AWS::Partition' },
                ':lambda:',
                { Ref: 'AWS::Region' },
                ':',
                { Ref: 'AWS::AccountId' },
                `:function:${stack.stackName}-${target}`,
              ],
            ],
          }
        : { 'Fn::GetAtt': [fnId(target), 'Arn'] };
    for (const name of ALL_FUNCTIONS) {
      const invoked = statementsOf(name)
        .filter((s) => asList(s.Action).includes('lambda:InvokeFunction'))
        .flatMap((s) => asList(s.Resource));
      const expected = [
        ...(FUNCTION_SPECS[name].startsRuns ? [arnOf(DISPATCH_FUNCTION, name)] : []),
        ...(FUNCTION_SPECS[name].startsSender ? [arnOf(SENDER_FUNCTION, name)] : []),
        ...(FUNCTION_SPECS[name].startsValueRecompute ? [arnOf(VALUE_FUNCTION, name)] : []),
        ...(FUNCTION_SPECS[name].startsSignInLink ? [arnOf(SIGN_IN_LINK_FUNCTION, name)] : []),
      ];
      expect(invoked, name).toHaveLength(expected.length);
      expect(invoked, name).toEqual(expect.arrayContaining(expected));
    }
    // The sweep restarts runs whose dispatch never started or died; a dispatch out of time goes on
    // in a new invocation of itself.
    expect(ALL_FUNCTIONS.filter((n) => FUNCTION_SPECS[n].startsRuns).sort()).toEqual([
      'admin-api',
      'dispatch-campaign',
      'run-schedules',
      'sweep-outbox',
    ]);
    // A dispatch starts the sender for its invites, the admin API for a resumed run's, and the sender
    // itself when its time is up.
    expect(ALL_FUNCTIONS.filter((n) => FUNCTION_SPECS[n].startsSender).sort()).toEqual([
      'admin-api',
      'dispatch-campaign',
      'send-invites',
    ]);
    // POST /api/value/recompute starts the value recompute.
    expect(ALL_FUNCTIONS.filter((n) => FUNCTION_SPECS[n].startsValueRecompute)).toEqual(['admin-api']);
    // POST /auth/sign-in starts the sign-in link's email, which is never retried (at most one link).
    expect(ALL_FUNCTIONS.filter((n) => FUNCTION_SPECS[n].startsSignInLink)).toEqual(['auth']);
    template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
      FunctionName: { Ref: fnId(SIGN_IN_LINK_FUNCTION) },
      MaximumRetryAttempts: 0,
    });
  });
});

describe('schedules', () => {
  it('runs each scheduled function every minute, with no flexible window', () => {
    template.resourceCountIs('AWS::Scheduler::ScheduleGroup', 1);
    template.resourceCountIs(
      'AWS::Scheduler::Schedule',
      SCHEDULED_FUNCTIONS.length + Object.keys(DAILY_FUNCTIONS).length,
    );
    for (const name of SCHEDULED_FUNCTIONS) {
      template.hasResourceProperties('AWS::Scheduler::Schedule', {
        ScheduleExpression: 'rate(1 minute)',
        FlexibleTimeWindow: { Mode: 'OFF' },
        State: 'ENABLED',
        Target: Match.objectLike({ Arn: { 'Fn::GetAtt': [fnId(name), 'Arn'] } }),
      });
    }
  });

  it('runs the value recompute daily at 03:00 in the account time zone, retried within the hour', () => {
    template.hasResourceProperties('AWS::Scheduler::Schedule', {
      ScheduleExpression: 'cron(0 3 * * ? *)',
      ScheduleExpressionTimezone: 'UTC',
      FlexibleTimeWindow: { Mode: 'OFF' },
      Target: Match.objectLike({
        Arn: { 'Fn::GetAtt': [fnId(VALUE_FUNCTION), 'Arn'] },
        RetryPolicy: { MaximumEventAgeInSeconds: 3600, MaximumRetryAttempts: 3 },
      }),
    });
  });

  it('invokes through a role Scheduler alone assumes, allowed to invoke exactly the scheduled functions', () => {
    template.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: {
        Statement: [
          Match.objectLike({ Principal: { Service: 'scheduler.amazonaws.com' }, Action: 'sts:AssumeRole' }),
        ],
      },
    });
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: [
          {
            Effect: 'Allow',
            Action: 'lambda:InvokeFunction',
            // CDK lists the ARNs sorted by logical id.
            Resource: [...SCHEDULED_FUNCTIONS, ...Object.keys(DAILY_FUNCTIONS)]
              .map((name) => fnId(name as FunctionName))
              .sort()
              .map((id) => ({ 'Fn::GetAtt': [id, 'Arn'] })),
          },
        ],
      },
    });
  });
});

describe('alarms and outputs', () => {
  it('alarms on every function error, on dead letters and on a lagging rollup', () => {
    for (const name of ALL_FUNCTIONS) {
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        Namespace: 'AWS/Lambda',
        MetricName: 'Errors',
        Dimensions: [{ Name: 'FunctionName', Value: { Ref: fnId(name) } }],
        Statistic: 'Sum',
        Period: 300,
        Threshold: 0,
        ComparisonOperator: 'GreaterThanThreshold',
      });
    }
    for (const name of STREAM_NAMES) {
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        Namespace: 'AWS/SQS',
        MetricName: 'ApproximateNumberOfMessagesVisible',
        Dimensions: [
          {
            Name: 'QueueName',
            Value: {
              'Fn::GetAtt': [logicalIdOf(stack, stack.streamConsumers[name].deadLetterQueue), 'QueueName'],
            },
          },
        ],
        Threshold: 0,
      });
    }
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'IteratorAge',
      Dimensions: [{ Name: 'FunctionName', Value: { Ref: fnId('rollup-responses') } }],
      Statistic: 'Maximum',
    });
  });

  it('outputs the URLs, the table names and the admin secret name', () => {
    for (const output of ['ApiUrl', 'PublicUrl', 'DashboardUrl', 'MainTableName', 'AggregatesTableName']) {
      template.hasOutput(output, {});
    }
    template.hasOutput('AdminKeySecretName', { Value: `${stack.stackName}/admin-key` });
  });
});

describe('cdk-nag', () => {
  it('has no unacknowledged AWS Solutions finding', () => {
    const report = new AwsSolutionsChecks().validateScope(stack);
    const findings = report.violations.map(
      (v) => `${v.severity} ${v.ruleName}: ${v.violatingResources.map((r) => r.constructPath).join(', ')}`,
    );
    expect(findings).toEqual([]);
  });
});
