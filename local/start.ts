import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { ADMIN_KEY_MIN_LENGTH } from '#shared/config';
import { periodOf } from '#shared/nps/windows';
import { newWebhookSecret } from '#shared/owners/save-owner';
import { buildBrowserScripts } from '../scripts/build-browser.ts';
import { DEMO_ESCALATION_OWNER_ID, DEMO_OWNERS, planDemo } from './demo-data.ts';
import { watchParents } from './parent-watch.ts';
import { type LocalStack, startLocalStack, wipeData } from './stack.ts';
import { startWebhookReceiver, type WebhookReceiver } from './webhook-receiver.ts';

/** The demo's admin, who signs in with a link from the local SES inbox (no such mailbox exists). */
const DEMO_ADMIN_EMAIL = 'admin@nps-loop.local';
const adminEmails = process.env.ADMIN_EMAILS || DEMO_ADMIN_EMAIL;

const USAGE = `Usage: npm start [-- --fresh] [-- --no-demo]

  --fresh     start with empty tables (deletes the data directory)
  --no-demo   do not seed the demo account on an empty table

Environment: PORT (3000), SES_PORT (8005), DDB_PORT (8000), DEMO_WEBHOOK_PORT (3001),
             NPS_ADMIN_KEY, PUBLIC_URL, NPS_TIME_ZONE (UTC), NPS_DATA_DIR (.data),
             ADMIN_EMAILS (${DEMO_ADMIN_EMAIL}), SESSION_HOURS (8)`;

const { values } = parseArgs({
  options: {
    fresh: { type: 'boolean', default: false },
    demo: { type: 'boolean', default: true },
    help: { type: 'boolean', short: 'h', default: false },
  },
  allowNegative: true,
});
if (values.help) {
  console.log(USAGE);
  process.exit(0);
}

const portFrom = (name: string, fallback: number): number => {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    console.error(`${name} must be a port number, got "${raw}"`);
    process.exit(2);
  }
  return port;
};

// Checked before anything starts: a short key would start a stack whose every admin call fails.
const adminKeyFromEnv = process.env.NPS_ADMIN_KEY || undefined;
if (adminKeyFromEnv !== undefined && adminKeyFromEnv.length < ADMIN_KEY_MIN_LENGTH) {
  console.error(
    `NPS_ADMIN_KEY must be at least ${ADMIN_KEY_MIN_LENGTH} characters (it has ${adminKeyFromEnv.length}); unset it to have one generated`,
  );
  process.exit(2);
}

const dataDir = resolve(process.env.NPS_DATA_DIR || '.data');
if (values.fresh) wipeData(dataDir);

const demoSecretsPath = join(dataDir, 'demo-webhooks.json');
const loadDemoSecrets = (): Record<string, string> =>
  existsSync(demoSecretsPath)
    ? (JSON.parse(readFileSync(demoSecretsPath, 'utf8')) as Record<string, string>)
    : Object.fromEntries(DEMO_OWNERS.map((owner) => [owner.hook, newWebhookSecret()]));
/** The demo's receiver paths that answer 410 Gone (an archived channel): their alerts end dead. */
const refusedHooks = new Set(DEMO_OWNERS.filter((owner) => owner.refused).map((owner) => owner.hook));

/**
 * Whether the demo was seeded: `seeding` from its first write to its last, with the instant its
 * plan is made for, so a start after an interrupted seed finishes that same plan (every step of
 * the seed is idempotent), and a start after a finished one seeds nothing.
 */
const demoStatePath = join(dataDir, 'demo.json');
type DemoState = { status: 'seeding' | 'seeded'; now: string };
const loadDemoState = (): DemoState | undefined =>
  existsSync(demoStatePath) ? (JSON.parse(readFileSync(demoStatePath, 'utf8')) as DemoState) : undefined;

const started = performance.now();
let stack: LocalStack | undefined;
let receiver: WebhookReceiver | undefined;
let stopping = false;

/** A stop that hangs (an invocation that never settles) must not keep the stack up: past this, exit anyway. */
const STOP_DEADLINE_MS = 15_000;

const shutdown = async (reason: string) => {
  if (stopping) return;
  stopping = true;
  console.log(`\n${reason}: stopping…`);
  setTimeout(() => {
    console.error(`not stopped within ${STOP_DEADLINE_MS / 1000} s: exiting anyway`);
    // DynamoDB Local goes with the process: local/dynamodb.ts kills it on exit.
    process.exit(1);
  }, STOP_DEADLINE_MS).unref();
  await receiver?.close();
  await stack?.stop();
  process.exit(0);
};
process.on('SIGINT', () => void shutdown('SIGINT'));
process.on('SIGTERM', () => void shutdown('SIGTERM'));
// No signal comes when whoever started us is killed outright (SIGKILL of npm, of its parent).
watchParents({ onOrphaned: (why) => void shutdown(why), log: (line) => console.error(line) });

try {
  const port = portFrom('PORT', 3000);
  const demoSecrets = loadDemoSecrets();
  receiver = await startWebhookReceiver({
    port: portFrom('DEMO_WEBHOOK_PORT', 3001),
    secrets: demoSecrets,
    onReceive: (hook) => {
      const p = hook.payload as {
        type?: string;
        text?: string;
        customer?: { name?: string };
        response?: { score?: number; comment?: string | null };
      };
      // Generic alerts name their event; Slack's carry text; Teams' an Adaptive Card.
      const summary = p.customer
        ? `${p.type}: ${p.customer.name ?? '?'} scored ${p.response?.score}${p.response?.comment ? ` — "${p.response.comment}"` : ''}`
        : (p.text ?? (p.type === 'message' ? 'an Adaptive Card' : hook.body.slice(0, 200)));
      const answer = refusedHooks.has(hook.path) ? ' · answered 410 Gone (an archived channel)' : '';
      console.log(
        `[demo webhook ${hook.path}] ${hook.verified ? 'signature verified' : 'SIGNATURE INVALID'}${answer} · ${summary}`,
      );
    },
    respond: (hook) => (refusedHooks.has(hook.path) ? 410 : 204),
  });
  // The dashboard serves the pages' bundled browser code: build it from the source first.
  buildBrowserScripts();
  stack = await startLocalStack({
    port,
    sesPort: portFrom('SES_PORT', 8005),
    ddbPort: portFrom('DDB_PORT', 8000),
    dataDir,
    adminKey: adminKeyFromEnv,
    publicUrl: process.env.PUBLIC_URL || `http://127.0.0.1:${port}`,
    timeZone: process.env.NPS_TIME_ZONE || undefined,
    tickMs: 5_000,
    log: (line) => console.error(line),
    extraEnv: {
      ADMIN_EMAILS: adminEmails,
      // The demo's team lead works the cases escalated past their SLA.
      ...(values.demo && !process.env.ESCALATION_OWNER_ID
        ? { ESCALATION_OWNER_ID: DEMO_ESCALATION_OWNER_ID }
        : {}),
      ...(process.env.SESSION_HOURS ? { SESSION_HOURS: process.env.SESSION_HOURS } : {}),
    },
    // The demo writes its year of history before the stream consumers and the ticker start.
    startPaused: values.demo,
  });
  const readyMs = performance.now() - started;
  let seeded = false;
  const demoState = loadDemoState();
  if ((stack.tablesCreated || demoState?.status === 'seeding') && values.demo) {
    writeFileSync(demoSecretsPath, JSON.stringify(demoSecrets), { mode: 0o600 });
    const now = demoState?.status === 'seeding' ? demoState.now : new Date().toISOString();
    writeFileSync(demoStatePath, JSON.stringify({ status: 'seeding', now } satisfies DemoState));
    const timeZone = process.env.NPS_TIME_ZONE || 'UTC';
    const plan = planDemo({ now, today: periodOf('day', new Date(now), timeZone) });
    // Loaded once the stack has set the handlers' environment (their log level among it).
    const { seedDemo } = await import('./demo.ts');
    const summary = await seedDemo(
      {
        secrets: demoSecrets,
        url: stack.url,
        adminKey: stack.adminKey,
        sesUrl: stack.sesUrl,
        webhookBase: receiver.url,
        log: console.log,
        settle: stack.settle,
        resume: stack.resume,
        tick: stack.tick,
      },
      plan,
    );
    writeFileSync(demoStatePath, JSON.stringify({ status: 'seeded', now } satisfies DemoState));
    const { account, history, catchUp, today } = summary.seconds;
    console.log(
      `demo: ${summary.customers} customers, ${summary.purchases} purchases, ${summary.invites} surveys sent and ${summary.answers} answered over the last year (${summary.cases} detractor cases), ${summary.liveAnswers} answers to today's key-account pulse` +
        ` — account ${account} s, history ${history} s, consumers catching up ${catchUp} s, today ${today} s`,
    );
    seeded = true;
  }
  stack.resume();
  console.log(`
nps-loop local stack ready in ${(readyMs / 1000).toFixed(1)} s${seeded ? ` (demo seeded in ${((performance.now() - started - readyMs) / 1000).toFixed(1)} s)` : ''}

  Dashboard        ${stack.url}/dashboard
  API              ${stack.url}/api   (Authorization: Bearer <admin key>)
  Local SES inbox  ${stack.sesUrl}      (JSON: ${stack.sesUrl}/store)
  DynamoDB Local   ${stack.dynamoEndpoint}
  Demo webhooks    ${receiver.url}/hooks/<owner>   (logged below)
  Admin key        ${stack.adminKey}
  Data             ${dataDir}${stack.tablesCreated ? '' : ' (kept from the last run; --fresh starts empty)'}

Sign in as the admin (${adminEmails.split(',')[0]}) — or as an account manager, by an owner's
email (the demo's alice@nps-loop.example sees only her own customers' cases and segment):
  curl -X POST -H 'content-type: application/json' -d '{"email":"${adminEmails.split(',')[0]}"}' ${stack.url}/auth/sign-in
then open the sign-in email in the local SES inbox (${stack.sesUrl}) and press its link's button.

Open the inbox, click a score in a survey email, add a comment, then watch /dashboard.
Ctrl-C stops everything.
`);
} catch (err: unknown) {
  console.error(err instanceof Error ? err.message : err);
  await receiver?.close();
  await stack?.stop();
  process.exit(1);
}
