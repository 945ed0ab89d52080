import { Annotations, CfnOutput, Duration, Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import {
  ALL_FUNCTIONS,
  DAILY_FUNCTIONS,
  type DailyFunctionName,
  DISPATCH_FUNCTION,
  FUNCTION_LIMITS,
  type FunctionName,
  HTTP_FUNCTIONS,
  type HttpFunctionName,
  QUEUE_CONSUMERS,
  SCHEDULED_FUNCTIONS,
  SENDER_FUNCTION,
  SES_EVENTS_FUNCTION,
  SIGN_IN_LINK_FUNCTION,
  STREAM_CONSUMERS,
  type StreamFunctionName,
  VALUE_FUNCTION,
  visibilityTimeoutSeconds,
} from '#functions/routes';
import { BROWSER_BUNDLE_DIR, CHART_FILES } from '#shared/pages/vendor';
import { BROWSER_SCRIPTS } from '../scripts/build-browser.ts';
import { Alarms } from './constructs/alarms.ts';
import { AlertQueue } from './constructs/alert-queue.ts';
import { Api } from './constructs/api.ts';
import { Data } from './constructs/data.ts';
import { type BundleFile, HouseFunction } from './constructs/house-function.ts';
import { Keys } from './constructs/keys.ts';
import { Schedules } from './constructs/schedules.ts';
import { Sending } from './constructs/sending.ts';
import { SesEvents } from './constructs/ses-events.ts';
import { StreamConsumer } from './constructs/stream-consumer.ts';
import { EXAMPLE_SENDER_EMAIL, type NpsLoopSettings } from './settings.ts';
import { TABLE_ACCESS } from './table-access.ts';

export interface NpsLoopStackProps extends StackProps {
  settings: NpsLoopSettings;
}

type KeyName = 'tokenKey' | 'adminKey' | 'suppressionKey';

interface FunctionSpec {
  description: string;
  /** Secrets the function reads at run time. */
  keys?: readonly KeyName[];
  /** Sends survey emails through SES. */
  sendsEmail?: boolean;
  /** Starts campaign runs: invokes the dispatch function asynchronously. */
  startsRuns?: boolean;
  /** Starts the invite sender: invokes it asynchronously. */
  startsSender?: boolean;
  /** Starts the value recompute: invokes it asynchronously (POST /api/value/recompute). */
  startsValueRecompute?: boolean;
  /** Starts the sign-in link's email: invokes it asynchronously (POST /auth/sign-in). */
  startsSignInLink?: boolean;
  /** Hands committed alerts to the alert queue. */
  queuesAlerts?: boolean;
  /** Dependency files it reads at run time, shipped in its bundle. */
  bundleFiles?: readonly BundleFile[];
}

/**
 * Least privilege, in one table: what each function may touch besides the tables, read off the
 * shared/ code it calls (table access has its own table, cdk/table-access.ts). Typed by the
 * function list of functions/routes.ts, so a new function does not compile until it has a line here.
 * The suppression key goes to every function that reads or writes the suppression list
 * (shared/store/suppressions.ts), whose items are keyed by its HMAC of the address.
 */
export const FUNCTION_SPECS: Record<FunctionName, FunctionSpec> = {
  'survey-page': {
    description: 'GET /s/{token}: shows the survey page (never records)',
    keys: ['tokenKey'],
  },
  'submit-response': {
    description: 'POST /s/{token}: records or replaces the answer',
    keys: ['tokenKey'],
  },
  'record-scan': {
    description: 'GET /s/{token}/check: notes a mail scanner at the honeypot link (never records)',
    keys: ['tokenKey'],
  },
  unsubscribe: {
    description: 'GET|POST /u/{token}: one-click unsubscribe',
    keys: ['tokenKey', 'suppressionKey'],
  },
  'leave-survey': {
    description: 'GET|POST /leave/{token}: the "why did you leave?" page (a GET never records)',
    keys: ['tokenKey'],
  },
  'admin-api': {
    description: 'The admin API (bearer key, or a signed-in session and its role)',
    // The token key signs the unsubscribe link of a case follow-up email, which it also sends — never
    // to a suppressed address (the suppression key).
    keys: ['adminKey', 'tokenKey', 'suppressionKey'],
    sendsEmail: true,
    startsRuns: true,
    // A resumed run's invites go to the sender at once.
    startsSender: true,
    // Re-drives dead alerts (POST /api/alerts/{id}/redeliver).
    queuesAlerts: true,
    startsValueRecompute: true,
  },
  auth: {
    description:
      'POST /auth/sign-in, GET|POST /auth/callback, POST /auth/sign-out: one-time emailed sign-in links and sessions',
    // Every sign-in request goes on to the link's email function, whatever the address.
    startsSignInLink: true,
  },
  dashboard: {
    description: 'GET /dashboard and GET /api/openapi.json: the static dashboard page and API document',
    // uPlot resolved under node_modules, the page's bundled code beside the handler (see vendor.ts).
    bundleFiles: [
      ...CHART_FILES.map((file) => ({ from: `node_modules/${file}`, to: `node_modules/${file}` })),
      ...BROWSER_SCRIPTS.map((name) => ({
        from: `shared/pages/${BROWSER_BUNDLE_DIR}/${name}.js`,
        to: `${BROWSER_BUNDLE_DIR}/${name}.js`,
      })),
    ],
  },
  'not-found': { description: '$default route: 404 in the API error shape for anything unrouted' },
  'rollup-responses': {
    description: 'Table stream: rolls responses up into per-segment NPS counters',
  },
  'raise-alerts': {
    description: 'Table stream: opens detractor cases and queues their alerts',
    queuesAlerts: true,
  },
  'record-ses-events': {
    description: 'SES bounces and complaints (SNS): suppresses the addresses, pauses unhealthy runs',
    keys: ['suppressionKey'],
  },
  'deliver-alerts': {
    description: 'Alert queue: signed webhooks (generic, Slack, Teams) and alert emails to owners',
    sendsEmail: true,
  },
  'run-schedules': {
    description: 'Every minute: starts the campaign runs that are due',
    startsRuns: true,
  },
  'send-invites': {
    description: 'Every minute and after each dispatch: sends due invites at the account send rate',
    // Invites are never sent to a suppressed address (the suppression key).
    keys: ['tokenKey', 'suppressionKey'],
    sendsEmail: true,
    // Starts itself again while invites are due when its time is up.
    startsSender: true,
  },
  'sweep-outbox': {
    description:
      'Every minute: restarts stalled runs, sends due reminders, delivers alerts the queue did not',
    // Invites and reminders are never sent to a suppressed address (the suppression key).
    keys: ['tokenKey', 'suppressionKey'],
    sendsEmail: true,
    // Restarts the campaign runs whose dispatch never started or died (invokes the dispatch).
    startsRuns: true,
  },
  'escalate-cases': {
    description: 'Every minute: escalates open cases past their SLA to the fallback owner',
    queuesAlerts: true,
  },
  'recompute-value': {
    description: 'Daily and on demand: value tiers and loyalty from the trailing 12 months of purchases',
    // Then the win-back pass: lost customers' cases, and their "why did you leave?" emails (signed
    // links, never to a suppressed address).
    keys: ['tokenKey', 'suppressionKey'],
    sendsEmail: true,
  },
  'send-sign-in-link': {
    description: 'Started by POST /auth/sign-in: emails the one-time link to an address that may sign in',
    // At the account's send rate. Nothing signed, nothing suppressed: a person asks for their own link.
    sendsEmail: true,
  },
  'dispatch-campaign': {
    description: 'One campaign run: audience, suppression, fatigue and invites, handed to the sender',
    keys: ['tokenKey', 'suppressionKey'],
    // Goes on in a new invocation of itself when its time runs out.
    startsRuns: true,
    startsSender: true,
  },
};

const timeoutOf = (name: FunctionName): Duration => Duration.seconds(FUNCTION_LIMITS[name].timeoutSeconds);

const pascal = (name: string) =>
  name.replace(/(^|-)([a-z])/g, (_m, _dash: string, c: string) => c.toUpperCase());

/**
 * nps-loop on AWS, one stack split by concern: data (tables), keys (secrets), the HTTP API, the
 * functions (one house construct each), the stream consumers (rollup, alerts), sending (SES and the
 * dispatch), the minute schedules, and alarms.
 */
export class NpsLoopStack extends Stack {
  readonly data: Data;
  readonly alertQueue: AlertQueue;
  readonly sesEvents: SesEvents | undefined;
  readonly keys: Keys;
  readonly api: Api;
  readonly functions: Record<FunctionName, HouseFunction>;
  readonly streamConsumers: Record<StreamFunctionName, StreamConsumer>;

  constructor(scope: Construct, id: string, props: NpsLoopStackProps) {
    super(scope, id, props);
    const { settings } = props;

    if (settings.senderEmail === EXAMPLE_SENDER_EMAIL) {
      Annotations.of(this).addWarningV2(
        'nps-loop:exampleSender',
        `senderEmail is the example ${EXAMPLE_SENDER_EMAIL}: deploy with -c senderEmail=<an address of a verified SES identity>`,
      );
    }

    this.data = new Data(this, 'Data');
    // Without a configuration set of the user's own, the stack's one carries bounces and complaints.
    this.sesEvents = settings.sesConfigurationSet ? undefined : new SesEvents(this, 'SesEvents');
    const configurationSetName =
      settings.sesConfigurationSet ?? this.sesEvents?.configurationSet.configurationSetName;
    this.alertQueue = new AlertQueue(this, 'AlertQueue', {
      settings: QUEUE_CONSUMERS['deliver-alerts'],
      visibilityTimeout: Duration.seconds(visibilityTimeoutSeconds('deliver-alerts')),
    });
    this.keys = new Keys(this, 'Keys');
    this.api = new Api(this, 'Api', { throttle: settings.throttle });

    // Links in emails start here. Without a custom domain it is the API's own URL: the functions then
    // reference the API resource, which depends on none of them (routes and integrations do), so there
    // is no cycle.
    const publicUrl = settings.publicUrl ?? this.api.endpoint;

    // The dispatch and sender functions get fixed names: every function's config requires their
    // names, and a function cannot reference its own generated name in its environment (a cycle).
    const fixedName = (name: FunctionName) => {
      const full = `${this.stackName}-${name}`;
      if (full.length > 64) {
        throw new Error(`stack name "${this.stackName}" is too long: ${full} exceeds 64 characters`);
      }
      return full;
    };
    const dispatchFunctionName = fixedName(DISPATCH_FUNCTION);
    const senderFunctionName = fixedName(SENDER_FUNCTION);
    const valueFunctionName = fixedName(VALUE_FUNCTION);
    const signInFunctionName = fixedName(SIGN_IN_LINK_FUNCTION);
    const fixedNames: Partial<Record<FunctionName, string>> = {
      [DISPATCH_FUNCTION]: dispatchFunctionName,
      [SENDER_FUNCTION]: senderFunctionName,
      [VALUE_FUNCTION]: valueFunctionName,
      [SIGN_IN_LINK_FUNCTION]: signInFunctionName,
    };

    // Every function gets the same settings (shared/config.ts validates them all at start-up). The
    // keys are passed by secret ARN only; their values are read at run time from Secrets Manager.
    const environment: Record<string, string> = {
      TABLE_NAME: this.data.mainTable.tableName,
      ALERT_QUEUE_URL: this.alertQueue.queue.queueUrl,
      AGGREGATES_TABLE_NAME: this.data.aggregatesTable.tableName,
      PURCHASES_TABLE_NAME: this.data.purchasesTable.tableName,
      PUBLIC_URL: publicUrl,
      SENDER_EMAIL: settings.senderEmail,
      TIME_ZONE: settings.timeZone,
      TOKEN_TTL_DAYS: String(settings.tokenTtlDays),
      DISPATCH_FUNCTION_NAME: dispatchFunctionName,
      SENDER_FUNCTION_NAME: senderFunctionName,
      VALUE_FUNCTION_NAME: valueFunctionName,
      SIGN_IN_FUNCTION_NAME: signInFunctionName,
      SES_MAX_SEND_RATE: String(settings.sesMaxSendRate),
      TOKEN_KEY_SECRET_ID: this.keys.tokenKey.secretArn,
      ADMIN_KEY_SECRET_ID: this.keys.adminKey.secretArn,
      SUPPRESSION_KEY_SECRET_ID: this.keys.suppressionKey.secretArn,
      ...(configurationSetName && { SES_CONFIGURATION_SET: configurationSetName }),
      ...(settings.defaultOwnerId && { DEFAULT_OWNER_ID: settings.defaultOwnerId }),
      ...(settings.escalationOwnerId && { ESCALATION_OWNER_ID: settings.escalationOwnerId }),
      ...(settings.keyTiers && { KEY_TIERS: settings.keyTiers }),
      ...settings.handlerEnv,
    };

    const makeFunction = (name: FunctionName): HouseFunction => {
      const spec = FUNCTION_SPECS[name];
      return new HouseFunction(this, pascal(name), {
        name,
        description: `nps-loop: ${spec.description}`,
        functionName: fixedNames[name],
        timeout: timeoutOf(name),
        memorySize: FUNCTION_LIMITS[name].memoryMb,
        environment,
        tableAccess: {
          access: TABLE_ACCESS[name],
          main: this.data.mainTable,
          aggregates: this.data.aggregatesTable,
          purchases: this.data.purchasesTable,
        },
        secrets: (spec.keys ?? []).map((key) => this.keys[key]),
        bundleFiles: spec.bundleFiles,
      });
    };
    this.functions = Object.fromEntries(ALL_FUNCTIONS.map((name) => [name, makeFunction(name)])) as Record<
      FunctionName,
      HouseFunction
    >;
    const fns = this.functions;

    this.api.addRoutes(
      Object.fromEntries(HTTP_FUNCTIONS.map((name) => [name, fns[name].fn])) as Record<
        HttpFunctionName,
        HouseFunction['fn']
      >,
    );

    const streamNames = Object.keys(STREAM_CONSUMERS) as StreamFunctionName[];
    this.streamConsumers = Object.fromEntries(
      streamNames.map((name) => [
        name,
        new StreamConsumer(this, `${pascal(name)}Stream`, {
          table: this.data.mainTable,
          consumer: fns[name],
          name,
          settings: STREAM_CONSUMERS[name],
        }),
      ]),
    ) as Record<StreamFunctionName, StreamConsumer>;

    this.alertQueue.connect(
      fns['deliver-alerts'],
      ALL_FUNCTIONS.filter((name) => FUNCTION_SPECS[name].queuesAlerts).map((name) => fns[name]),
    );

    this.sesEvents?.connect(fns[SES_EVENTS_FUNCTION]);

    new Sending(this, 'Sending', {
      senderEmail: settings.senderEmail,
      sesConfigurationSet: configurationSetName,
      senders: ALL_FUNCTIONS.filter((name) => FUNCTION_SPECS[name].sendsEmail).map((name) => fns[name]),
      dispatch: fns[DISPATCH_FUNCTION],
      starters: ALL_FUNCTIONS.filter((name) => FUNCTION_SPECS[name].startsRuns).map((name) => fns[name]),
      sender: fns[SENDER_FUNCTION],
      senderStarters: ALL_FUNCTIONS.filter((name) => FUNCTION_SPECS[name].startsSender).map(
        (name) => fns[name],
      ),
    });

    for (const name of ALL_FUNCTIONS.filter((n) => FUNCTION_SPECS[n].startsValueRecompute)) {
      fns[name].allowInvoke(fns[VALUE_FUNCTION].fn);
    }
    for (const name of ALL_FUNCTIONS.filter((n) => FUNCTION_SPECS[n].startsSignInLink)) {
      fns[name].allowInvoke(fns[SIGN_IN_LINK_FUNCTION].fn);
    }
    // At most once: a retry after a failure past the send would email a second link; a person
    // whose link never came asks again (and the failure is in the function's errors alarm).
    fns[SIGN_IN_LINK_FUNCTION].fn.configureAsyncInvoke({ retryAttempts: 0 });

    new Schedules(this, 'Schedules', {
      targets: SCHEDULED_FUNCTIONS.map((name) => ({ name, fn: fns[name].fn })),
      daily: (Object.keys(DAILY_FUNCTIONS) as DailyFunctionName[]).map((name) => ({
        name,
        fn: fns[name].fn,
        at: DAILY_FUNCTIONS[name].at,
      })),
      timeZone: settings.timeZone,
    });

    const alarms = new Alarms(this, 'Alarms', {
      functions: ALL_FUNCTIONS.map((name) => ({ name, fn: fns[name].fn })),
      streamConsumers: streamNames.map((name) => ({
        name,
        fn: fns[name].fn,
        deadLetterQueue: this.streamConsumers[name].deadLetterQueue,
      })),
      queues: [{ name: 'alert-queue', deadLetterQueue: this.alertQueue.deadLetterQueue }],
      alarmEmail: settings.alarmEmail,
    });

    const publicBase = settings.publicUrl ?? this.api.endpoint;
    new CfnOutput(this, 'ApiUrl', {
      description: 'The HTTP API (execute-api) URL',
      value: this.api.endpoint,
    });
    new CfnOutput(this, 'PublicUrl', {
      description: 'Base of the links in survey emails',
      value: publicBase,
    });
    new CfnOutput(this, 'DashboardUrl', {
      description: 'The NPS dashboard',
      value: `${publicBase}/dashboard`,
    });
    new CfnOutput(this, 'MainTableName', { value: this.data.mainTable.tableName });
    new CfnOutput(this, 'AggregatesTableName', { value: this.data.aggregatesTable.tableName });
    new CfnOutput(this, 'PurchasesTableName', { value: this.data.purchasesTable.tableName });
    new CfnOutput(this, 'AdminKeySecretName', {
      description:
        'The admin API key: aws secretsmanager get-secret-value --secret-id <this> --query SecretString --output text',
      value: this.keys.adminKeyName,
    });
    new CfnOutput(this, 'AlarmTopicArn', {
      description: 'Subscribe to receive the alarms',
      value: alarms.topic.topicArn,
    });
  }
}
