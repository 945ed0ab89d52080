/**
 * AWS list prices in US East (N. Virginia), on-demand, before free tiers and volume discounts: the
 * one table every figure of `npm run cost` is priced from. They are the prices these pages showed
 * on `asOf`; nothing here fetches them, so check the pages again before quoting a figure, and move
 * `asOf` when you do.
 */
export const PRICES = {
  region: 'us-east-1',
  asOf: '2025-08-01',
  sources: {
    lambda: 'https://aws.amazon.com/lambda/pricing/',
    dynamodb: 'https://aws.amazon.com/dynamodb/pricing/on-demand/',
    sqs: 'https://aws.amazon.com/sqs/pricing/',
    ses: 'https://aws.amazon.com/ses/pricing/',
    secretsManager: 'https://aws.amazon.com/secrets-manager/pricing/',
    cloudwatch: 'https://aws.amazon.com/cloudwatch/pricing/',
    scheduler: 'https://aws.amazon.com/eventbridge/pricing/',
    xray: 'https://aws.amazon.com/xray/pricing/',
    apiGateway: 'https://aws.amazon.com/api-gateway/pricing/',
    kms: 'https://aws.amazon.com/kms/pricing/',
  },
  /** Dollars per unit. */
  unit: {
    lambdaRequest: 0.2 / 1e6,
    lambdaGbSecondArm: 0.0000133334,
    lambdaGbSecondX86: 0.0000166667,
    // On-demand, Standard table class (the prices of 1 November 2024).
    dynamoWriteRequestUnit: 0.625 / 1e6,
    dynamoReadRequestUnit: 0.125 / 1e6,
    dynamoStorageGbMonth: 0.25,
    dynamoPitrGbMonth: 0.2,
    // GetRecords calls made by a Lambda trigger are free; other readers pay this.
    dynamoStreamReadRequestUnit: 0.02 / 1e5,
    sqsRequest: 0.4 / 1e6,
    sesEmail: 0.1 / 1000,
    secretMonth: 0.4,
    secretsApiCall: 0.05 / 10_000,
    alarmMetricStandard: 0.1,
    alarmMetricHighResolution: 0.3,
    customMetricMonth: 0.3,
    logsIngestedGb: 0.5,
    logsStoredGbMonth: 0.03,
    schedulerInvocation: 1 / 1e6,
    xrayTraceRecorded: 5 / 1e6,
    httpApiRequest: 1 / 1e6,
    kmsKeyMonth: 1,
  },
  /** What the free tiers take off a small account's bill; the table shows list prices without them. */
  freeTiers:
    'Lambda 1M requests and 400,000 GB-s, SQS 1M requests, Scheduler 14M invocations, X-Ray 100,000 traces, ' +
    'CloudWatch 10 alarm metrics, 10 custom metrics and 5 GB of logs, DynamoDB 25 GB of storage, each a month',
} as const;

export type Prices = typeof PRICES;

/** The pricing month: 730 hours, as AWS's own pricing pages and calculator count it. */
export const HOURS_PER_MONTH = 730;
export const MINUTES_PER_MONTH = HOURS_PER_MONTH * 60;
export const DAYS_PER_MONTH = HOURS_PER_MONTH / 24;
