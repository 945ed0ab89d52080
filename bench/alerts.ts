/**
 * npm run bench:alerts [-- --n 1000] [-- --receivers 50] [-- --rate 20]
 *
 * N detractor answers through the local stack (survey POST → stream → case + outbox → alert queue →
 * signed webhook) to R receivers, of which 10 % fail the first two attempts of every alert.
 * Measures answer → first successful delivery for the receivers that do not fail, and counts
 * alerts never delivered ("lost"). Retry delays are shortened (1 s, 2 s, …) so the flaky receivers'
 * alerts arrive within the run, and the rollup consumer is not started (it shares the one emulator);
 * everything else is the production path.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { adminApi } from '../local/client.ts';
import { startLocalStack } from '../local/stack.ts';
import { startWebhookReceiver } from '../local/webhook-receiver.ts';
import { newWebhookSecret } from '../shared/owners/save-owner.ts';
import { mapLimit } from '../shared/util/concurrency.ts';
import { percentile, surveyTokens } from './support.ts';

const { values } = parseArgs({
  options: {
    n: { type: 'string', default: '1000' },
    receivers: { type: 'string', default: '50' },
    rate: { type: 'string', default: '20' },
  },
});
const N = Number(values.n);
const R = Number(values.receivers);
const RATE = Number(values.rate);
if (!Number.isFinite(RATE) || RATE <= 0)
  throw new Error('--rate must be a positive number of answers per second');
if (!Number.isInteger(N) || N < 10 || !Number.isInteger(R) || R < 10)
  throw new Error('--n ≥ 10 and --receivers ≥ 10');
const FLAKY = Math.round(R / 10);

const secret = newWebhookSecret();
const secrets = Object.fromEntries(Array.from({ length: R }, (_, i) => [`/r${i}`, secret]));
const attemptsById = new Map<string, number>();
const deliveredAt = new Map<string, number>();
let badSignatures = 0;
const receiver = await startWebhookReceiver({
  secrets,
  respond: (hook) => {
    const flaky = Number(hook.path.slice(2)) < FLAKY;
    const id = hook.headers['webhook-id'] ?? '';
    const attempt = (attemptsById.get(id) ?? 0) + 1;
    attemptsById.set(id, attempt);
    if (flaky && attempt <= 2) return 503;
    if (!hook.verified) {
      badSignatures++;
      return 400;
    }
    const customer = (hook.payload as { customer?: { id?: string } }).customer?.id ?? '';
    if (!deliveredAt.has(customer)) deliveredAt.set(customer, performance.now());
    return 204;
  },
});
// The rollup consumer is left out: on one DynamoDB Local (~450 writes/s on two cores) its counter
// writes would compete with the alert path, which on AWS it never does. bench:rollup measures it.
const stack = await startLocalStack({
  port: 0,
  tickMs: 1000,
  streamConsumers: ['raise-alerts'],
  extraEnv: { ALERT_RETRY_DELAYS: '1,2,4,8,16,30,60' },
});
const api = adminApi(stack);

try {
  for (let i = 0; i < R; i++) {
    await api('POST', '/api/owners', {
      id: `r${i}`,
      name: `Receiver ${i}`,
      webhookUrl: `${receiver.url}/r${i}`,
      webhookSecret: secret,
    });
  }
  const customers = Array.from({ length: N }, (_, i) => ({
    id: `c${i}`,
    email: `c${i}@example.com`,
    ownerId: `r${i % R}`,
    attributes: { tier: ['key', 'mid', 'smb'][i % 3] ?? 'smb' },
  }));
  for (let i = 0; i < N; i += 1000) await api('POST', '/api/customers', customers.slice(i, i + 1000));
  await api('POST', '/api/campaigns', { id: 'bench', name: 'Bench', fatigueDays: 0 });
  const sendStarted = performance.now();
  await api('POST', '/api/campaigns/bench/send');
  await stack.settle();
  const dispatchSeconds = (performance.now() - sendStarted) / 1000;
  const tokens = await surveyTokens(stack);

  const answeredAt = new Map<string, number>();
  const started = performance.now();
  // Detractors answer at a steady rate (default 20 a second, a very bad day), each on schedule.
  await mapLimit(customers, 16, async (c) => {
    const due = started + (Number(c.id.slice(1)) / RATE) * 1000;
    if (due > performance.now()) await new Promise((r) => setTimeout(r, due - performance.now()));
    answeredAt.set(c.id, performance.now());
    const res = await fetch(`${stack.url}/s/${tokens.get(c.id)}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ score: Number(c.id.slice(1)) % 7, comment: `answer ${c.id}` }),
    });
    if (!res.ok) throw new Error(`answer ${c.id}: ${res.status}`);
  });
  const answerSeconds = (performance.now() - started) / 1000;
  const deadline = performance.now() + 120_000;
  while (deliveredAt.size < N && performance.now() < deadline) await new Promise((r) => setTimeout(r, 100));

  const steady: number[] = [];
  const flaky: number[] = [];
  for (const c of customers) {
    const at = deliveredAt.get(c.id);
    if (at === undefined) continue;
    const latency = at - (answeredAt.get(c.id) ?? at);
    (Number(c.ownerId.slice(1)) < FLAKY ? flaky : steady).push(latency);
  }
  const lost = N - deliveredAt.size;
  const result = {
    date: new Date().toISOString(),
    machine: { cpus: cpus().length, node: process.version },
    parameters: {
      answers: N,
      receivers: R,
      flakyReceivers: FLAKY,
      retryDelaysSeconds: [1, 2, 4, 8, 16, 30, 60],
    },
    dispatchSeconds,
    answerSeconds,
    delivered: deliveredAt.size,
    lost,
    badSignatures,
    steadyLatencyMs: {
      p50: percentile(steady, 50),
      p90: percentile(steady, 90),
      p99: percentile(steady, 99),
      max: percentile(steady, 100),
      n: steady.length,
    },
    flakyLatencyMs: { p50: percentile(flaky, 50), p99: percentile(flaky, 99), n: flaky.length },
    deadLetters: stack.queueDeadLetters().length,
  };
  const dir = join(process.cwd(), 'bench', 'results');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `alerts-${result.date.replace(/[:.]/g, '-')}.json`);
  writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
  console.log(JSON.stringify(result));
  console.log(`results: ${file}`);
  console.log(
    `alerts: ${result.delivered} delivered, p50 ${Math.round(result.steadyLatencyMs.p50)} ms, p99 ${Math.round(result.steadyLatencyMs.p99)} ms, lost ${lost}`,
  );
  if (lost > 0 || badSignatures > 0) process.exitCode = 1;
} finally {
  await stack.stop();
  await receiver.close();
}
