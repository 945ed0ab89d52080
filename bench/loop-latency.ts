/**
 * Measures the local loop: answer → aggregate visible (GET /api/nps) and answer → detractor webhook
 * received, one answer at a time, on the real local stack.
 * Usage: npm run bench:loop [-- --n 40]
 */
import { parseArgs } from 'node:util';
import { adminApi } from '../local/client.ts';
import { startLocalStack } from '../local/stack.ts';
import { startWebhookReceiver } from '../local/webhook-receiver.ts';
import { newWebhookSecret } from '../shared/owners/save-owner.ts';
import { percentile, surveyTokens } from './support.ts';

const { values } = parseArgs({ options: { n: { type: 'string', default: '40' } } });
const n = Number(values.n);
if (!Number.isInteger(n) || n < 2 || n > 1000) throw new Error('--n must be an integer from 2 to 1000');

const started = performance.now();
const secret = newWebhookSecret();
const arrivals = new Map<string, number>();
const receiver = await startWebhookReceiver({
  secrets: { '/owner': secret },
  onReceive: (hook) => {
    const p = hook.payload as { customer?: { id?: string } };
    if (hook.verified && p.customer?.id) arrivals.set(p.customer.id, performance.now());
  },
});
const stack = await startLocalStack({ port: 0, tickMs: 0 });
const startupMs = performance.now() - started;
const api = adminApi(stack);

try {
  await api('POST', '/api/owners', {
    id: 'owner',
    name: 'Owner',
    webhookUrl: `${receiver.url}/owner`,
    webhookSecret: secret,
  });
  await api(
    'POST',
    '/api/customers',
    Array.from({ length: n }, (_, i) => ({ id: `c${i}`, email: `c${i}@example.com`, ownerId: 'owner' })),
  );
  await api('POST', '/api/campaigns', { id: 'bench', name: 'Bench', fatigueDays: 0 });
  await api('POST', '/api/campaigns/bench/send');
  await stack.settle();
  const tokens = await surveyTokens(stack);

  const toAggregate: number[] = [];
  const toWebhook: number[] = [];
  for (let i = 0; i < n; i++) {
    const id = `c${i}`;
    const score = i % 2 === 0 ? 3 : 9;
    const t0 = performance.now();
    const res = await fetch(`${stack.url}/s/${tokens.get(id)}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ score }),
    });
    if (!res.ok) throw new Error(`answer ${id}: ${res.status}`);
    for (;;) {
      const nps = await api('GET', '/api/nps?segment=all&window=all');
      const point = (nps.points as Array<{ responses: number }>)[0];
      if (point?.responses === i + 1) break;
      await new Promise((r) => setTimeout(r, 5));
    }
    toAggregate.push(performance.now() - t0);
    if (score <= 6) {
      while (!arrivals.has(id)) await new Promise((r) => setTimeout(r, 5));
      toWebhook.push((arrivals.get(id) ?? 0) - t0);
    }
  }
  const fmt = (xs: number[]) =>
    `p50 ${percentile(xs, 50).toFixed(0)} ms, p99 ${percentile(xs, 99).toFixed(0)} ms`;
  console.log(`startup ${(startupMs / 1000).toFixed(1)} s (DynamoDB Local + SES + API + stream readers)`);
  console.log(
    `loop: answer→aggregate ${fmt(toAggregate)} (n=${toAggregate.length}); answer→webhook ${fmt(toWebhook)} (n=${toWebhook.length})`,
  );
} finally {
  await stack.stop();
  await receiver.close();
}
