/**
 * npm run bench:send [-- --n 10000] [-- --rate 20] [-- --naive 500] [-- --warmup 1000]
 *
 * One campaign run to N recipients through the local stack — dispatch, the invite sender, the
 * account's shared send rate, the local SES — with the send rate configured low enough to be the
 * bottleneck. DynamoDB Local, one SQLite thread, is the next one: on a 2-core machine it serves
 * about 20 emails a second (each email's table calls and its send-rate turn), so the default is
 * 20; at 25 a quiet machine reached 12–15/s, the emulator's pace, not the dispatcher's.
 *
 * Measures the achieved send rate against the configured one, counts duplicate emails (from the
 * local SES's own store, which runs in a process of its own), and the peak memory (RSS) of this
 * process during the run: the dispatcher, the sender and the local runtime around them. The npm
 * script caps the V8 heap at 128 MB, as a memory-bounded function's would be: V8 otherwise lets
 * garbage grow the heap to ~400 MB before collecting, which says nothing of what the dispatcher
 * needs.
 *
 * In the same run, the naive design it replaced — dispatch sending each invite itself, 8 in
 * flight, with no shared rate — sends `--naive` recipients of another campaign, to show what it
 * does to the account's rate. Before both, a warm-up run on tables of its own lets DynamoDB Local's
 * JIT settle (it is ~40 s slower per request cold).
 */
import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { SendEmailCommand } from '@aws-sdk/client-sesv2';
import { adminApi } from '../local/client.ts';
import { startDynamoDb } from '../local/dynamodb.ts';
import { freePort } from '../local/ports.ts';
import { type LocalStack, startLocalStack } from '../local/stack.ts';
import { claimSurveySlot, inviteFor } from '../shared/campaigns/invite-customer.ts';
import { getClients } from '../shared/clients.ts';
import { renderSurveyEmail } from '../shared/email/survey-email.ts';
import { tokenKey } from '../shared/secrets.ts';
import { getCampaign } from '../shared/store/campaigns.ts';
import { putCustomers } from '../shared/store/customers.ts';
import { leaseInviteSend, markInviteSent, putInviteOnce } from '../shared/store/invites.ts';
import type { Customer } from '../shared/store/schemas.ts';
import { deriveInviteId, signSurveyToken } from '../shared/tokens/survey-token.ts';
import { mapLimit } from '../shared/util/concurrency.ts';

const { values } = parseArgs({
  options: {
    n: { type: 'string', default: '10000' },
    rate: { type: 'string', default: '20' },
    naive: { type: 'string', default: '500' },
    warmup: { type: 'string', default: '1000' },
  },
});
const N = Number(values.n);
const RATE = Number(values.rate);
const NAIVE_N = Number(values.naive);
const WARMUP_N = Number(values.warmup);
if (!Number.isInteger(N) || N < 100) throw new Error('--n must be a whole number ≥ 100');
if (!Number.isInteger(RATE) || RATE < 1) throw new Error('--rate must be a whole number of emails/s ≥ 1');
if (!Number.isInteger(NAIVE_N) || NAIVE_N < 0 || !Number.isInteger(WARMUP_N) || WARMUP_N < 0)
  throw new Error('--naive and --warmup are whole numbers ≥ 0');

const log = (line: string) => console.error(`[bench:send] ${line}`);
const seconds = (ms: number) => Math.round(ms / 100) / 10;

/** The local SES in its own process, so that its store of every email is not counted as ours. */
const startSesProcess = async () => {
  const child = spawn(process.execPath, [fileURLToPath(new URL('./ses-child.ts', import.meta.url))], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const lines = createInterface({ input: child.stdout });
  const url = await new Promise<string>((resolve, reject) => {
    lines.once('line', (line) =>
      line.startsWith('ready ') ? resolve(line.slice(6)) : reject(new Error(line)),
    );
    child.once('exit', (code) => reject(new Error(`the local SES exited (${code})`)));
  });
  /** One command to the child, and its one-line answer. */
  const ask = (command: 'count' | 'reset') =>
    new Promise<string>((resolve) => {
      lines.once('line', resolve);
      child.stdin.write(`${command}\n`);
    });
  return {
    url,
    /** Emails the local SES took since the last reset, and how many went to someone twice. */
    count: async () =>
      JSON.parse((await ask('count')).slice('count '.length)) as { emails: number; duplicates: number },
    reset: () => ask('reset'),
    stop: () => child.stdin.end(),
  };
};

const customersOf = (prefix: string, n: number, attributes: Record<string, string>): Customer[] =>
  Array.from({ length: n }, (_, i) => ({
    id: `${prefix}${String(i).padStart(6, '0')}`,
    email: `${prefix}${i}@example.com`,
    name: `Customer ${i}`,
    attributes,
    updatedAt: new Date().toISOString(),
  }));

const seed = async (customers: Customer[]) => {
  const chunks = Array.from({ length: Math.ceil(customers.length / 500) }, (_, i) =>
    customers.slice(i * 500, (i + 1) * 500),
  );
  await mapLimit(chunks, 4, (chunk) => putCustomers(chunk));
};

/**
 * Waits until the run has settled (nobody queued or deferred); returns when it was seen settled,
 * and the highest resident memory of this process sampled meanwhile (every 250 ms): the dispatcher,
 * the sender and the local runtime around them, not the seeding before.
 */
const waitForRun = async (stack: LocalStack, campaignId: string, runId: string) => {
  const api = adminApi(stack);
  const startedAt = performance.now();
  let peakRss = 0;
  for (let last = -1; ; ) {
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
    const run = (await api('GET', `/api/campaigns/${campaignId}/runs/${runId}?limit=1`)) as {
      progress: { sent: number; queued: number; settled: boolean };
    };
    if (run.progress.settled) return { at: performance.now(), progress: run.progress, peakRss };
    if (Math.floor(run.progress.sent / 1000) !== Math.floor(last / 1000)) {
      const m = process.memoryUsage();
      const seconds = (performance.now() - startedAt) / 1000;
      log(
        `${run.progress.sent} sent in ${seconds.toFixed(0)} s (${(run.progress.sent / seconds).toFixed(1)}/s); rss ${Math.round(m.rss / 2 ** 20)} MB, peak ${Math.round(peakRss / 2 ** 20)} MB`,
      );
    }
    last = run.progress.sent;
    await new Promise((r) => setTimeout(r, 250));
  }
};

/**
 * The design this replaced, as its dispatch did it: for each customer take the slot, write the
 * invite, take the send lease and hand it to SES at once, 8 in flight, nothing shared between senders.
 */
const naiveSend = async (campaignId: string, customers: Customer[]) => {
  const key = await tokenKey();
  const campaign = await getCampaign(campaignId);
  if (!campaign) throw new Error('no naive campaign');
  const now = new Date();
  await mapLimit(customers, 8, async (customer) => {
    const claim = await claimSurveySlot({
      customerId: customer.id,
      suppressed: false,
      slotAsRead: undefined,
      runKey: `${campaignId}/naive`,
      fatigueDays: 0,
      now,
    });
    if (claim !== 'taken') throw new Error(`naive: ${claim}`);
    const invite = inviteFor(
      customer,
      campaign,
      { inviteId: deriveInviteId(key, campaignId, 'naive', customer.id), runId: 'event:naive' },
      { createdAt: now.toISOString(), expiresAt: new Date(now.getTime() + 30 * 86_400_000).toISOString() },
    );
    await putInviteOnce(invite);
    if ((await leaseInviteSend(invite.inviteId, new Date())) !== 'leased') throw new Error('naive: lease');
    const email = renderSurveyEmail({
      publicUrl: 'http://127.0.0.1',
      token: signSurveyToken(key, invite.inviteId, new Date(invite.expiresAt)),
      brand: invite.brand,
      locale: invite.locale,
      reminder: false,
    });
    const out = await getClients().ses.send(
      new SendEmailCommand({
        FromEmailAddress: 'surveys@nps-loop.example',
        Destination: { ToAddresses: [customer.email] },
        Content: {
          Simple: {
            Subject: { Data: email.subject },
            Body: { Html: { Data: email.html }, Text: { Data: email.text } },
          },
        },
      }),
    );
    await markInviteSent(invite, out.MessageId ?? '', now);
  });
};

const dynamo = await startDynamoDb({ port: await freePort() });
const ses = await startSesProcess();
const stackOptions = { dynamoEndpoint: dynamo.endpoint, sesEndpoint: ses.url, port: 0, streamConsumers: [] };
try {
  if (WARMUP_N > 0) {
    const warm = await startLocalStack({
      ...stackOptions,
      tableName: 'warmup',
      aggregatesTableName: 'warmup-agg',
      extraEnv: { SES_MAX_SEND_RATE: '10000' },
    });
    const started = performance.now();
    await seed(customersOf('w', WARMUP_N, {}));
    await adminApi(warm)('POST', '/api/campaigns', { id: 'warm', name: 'Warm-up', fatigueDays: 0 });
    const { runId } = (await adminApi(warm)('POST', '/api/campaigns/warm/send')) as { runId: string };
    await waitForRun(warm, 'warm', runId);
    await warm.stop();
    log(`warm-up: ${WARMUP_N} emails in ${seconds(performance.now() - started)} s`);
  }
  await ses.reset();

  const stack = await startLocalStack({
    ...stackOptions,
    tableName: 'bench',
    aggregatesTableName: 'bench-agg',
    // The sender starts itself at once; the minute schedule is only its safety net.
    tickMs: 60_000,
    extraEnv: { SES_MAX_SEND_RATE: String(RATE) },
  });
  const api = adminApi(stack);
  const calls = new Map<string, number>();
  if (process.env.BENCH_COUNT_CALLS) {
    getClients().ddb.middlewareStack.add(
      (next, context) => async (args) => {
        calls.set(String(context.commandName), (calls.get(String(context.commandName)) ?? 0) + 1);
        return next(args);
      },
      { step: 'initialize' },
    );
    setInterval(() => log(JSON.stringify(Object.fromEntries(calls))), 10_000).unref();
  }
  try {
    const seedStarted = performance.now();
    await seed([...customersOf('c', N, { tier: 'bench' }), ...customersOf('n', NAIVE_N, { tier: 'naive' })]);
    log(`seeded ${N + NAIVE_N} customers in ${seconds(performance.now() - seedStarted)} s`);

    // The naive design first, on its own customers (another campaign), before ours starts.
    let naiveRate = Number.NaN;
    if (NAIVE_N > 0) {
      await api('POST', '/api/campaigns', {
        id: 'naive',
        name: 'Naive',
        fatigueDays: 0,
        audience: { tier: 'naive' },
      });
      const naiveStarted = performance.now();
      await naiveSend('naive', customersOf('n', NAIVE_N, { tier: 'naive' }));
      naiveRate = NAIVE_N / ((performance.now() - naiveStarted) / 1000);
      log(`naive: ${NAIVE_N} emails at ${naiveRate.toFixed(1)}/s against a configured ${RATE}/s`);
      await ses.reset();
    }

    await api('POST', '/api/campaigns', {
      id: 'bench',
      name: 'Bench',
      fatigueDays: 0,
      audience: { tier: 'bench' },
    });
    const started = performance.now();
    const { runId } = (await api('POST', '/api/campaigns/bench/send')) as { runId: string };
    const done = await waitForRun(stack, 'bench', runId);
    const elapsedS = (done.at - started) / 1000;

    const { emails, duplicates } = await ses.count();
    const rate = emails / elapsedS;
    const peakMb = Math.round(done.peakRss / 2 ** 20);
    const result = {
      date: new Date().toISOString(),
      machine: { cpus: cpus().length, node: process.version },
      parameters: { recipients: N, configuredRate: RATE, naiveRecipients: NAIVE_N, warmup: WARMUP_N },
      emails,
      progress: done.progress,
      elapsedSeconds: elapsedS,
      ratePerSecond: rate,
      fractionOfRate: rate / RATE,
      duplicates,
      peakRssMb: peakMb,
      // The whole process's, seeding and warm-up included.
      maxRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
      naive: { ratePerSecond: naiveRate, timesConfiguredRate: naiveRate / RATE },
    };
    const dir = join(process.cwd(), 'bench', 'results');
    mkdirSync(dir, { recursive: true });
    const file = join(dir, `send-${result.date.replace(/[:.]/g, '-')}.json`);
    writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
    console.log(JSON.stringify(result));
    console.log(`results: ${file}`);
    if (NAIVE_N > 0)
      console.log(
        `naive (dispatch sends inline, 8 in flight, no shared rate): ${naiveRate.toFixed(1)}/s, ${(naiveRate / RATE).toFixed(1)}x the configured ${RATE}/s`,
      );
    if (rate / RATE < 0.95)
      console.log(
        `below 0.95 of the configured rate: if DynamoDB Local used a whole core meanwhile, it was the bottleneck — try a lower --rate`,
      );
    console.log(
      `send: ${emails} emails, ${rate.toFixed(1)}/s of configured ${RATE}/s (${(rate / RATE).toFixed(2)} of rate), duplicates ${duplicates}, peak ${peakMb} MB`,
    );
    if (duplicates > 0 || emails !== N) process.exitCode = 1;
  } finally {
    await stack.stop();
  }
} finally {
  ses.stop();
  await dynamo.stop();
}
