/** Worker thread of bench:rollup: writes the answers open-loop at the given rate and reports acks. */
import { parentPort, workerData } from 'node:worker_threads';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { BatchWriteCommand, DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { answerItem } from './answers.ts';

const { endpoint, table, answers, rate, prefix, started } = workerData as {
  endpoint: string;
  table: string;
  answers: number;
  rate: number;
  prefix: string;
  started: number;
};
const ddb = DynamoDBDocumentClient.from(
  new DynamoDBClient({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  }),
);

const writeChunk = async (i: number) => {
  const items = Array.from({ length: Math.min(25, answers - i) }, (_, k) => answerItem(i + k, prefix));
  const t0 = Date.now();
  let pending = items.map((Item) => ({ PutRequest: { Item } }));
  while (pending.length) {
    const out = await ddb.send(new BatchWriteCommand({ RequestItems: { [table]: pending } }));
    pending = (out.UnprocessedItems?.[table] as typeof pending | undefined) ?? [];
  }
  const at = Date.now();
  parentPort?.postMessage({ ids: items.map((item) => item.inviteId), at, ms: at - t0 });
};

const inFlight = new Set<Promise<void>>();
for (let i = 0; i < answers; i += 25) {
  // Open loop: each chunk of 25 starts on schedule, whether or not the previous one is done.
  const due = started + (i / rate) * 1000;
  if (due > Date.now()) await new Promise((r) => setTimeout(r, due - Date.now()));
  while (inFlight.size >= 16) await Promise.race(inFlight);
  const write = writeChunk(i).finally(() => inFlight.delete(write));
  inFlight.add(write);
}
await Promise.all(inFlight);
ddb.destroy();
