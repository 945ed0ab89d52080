import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { freePort } from '../../local/ports.ts';
import { killSurvivors, type ProcessEntry, processTree, waitUntilGone } from '../support/process-tree.ts';

/** Free ports, so that a start (wanted or not) collides with nothing on the machine. */
const freePortsEnv = async () => ({
  PORT: String(await freePort()),
  SES_PORT: String(await freePort()),
  DDB_PORT: String(await freePort()),
  DEMO_WEBHOOK_PORT: String(await freePort()),
});

/** `npm start`'s own checks, on the real entry point: it must refuse before starting anything. */
describe('npm start', () => {
  it('refuses an NPS_ADMIN_KEY shorter than the minimum, naming the variable', async () => {
    const env = { ...process.env, ...(await freePortsEnv()), NPS_ADMIN_KEY: 'too-short' };
    const child = spawn(process.execPath, ['local/start.ts', '--no-demo'], {
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    try {
      const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
      expect(code).toBe(2);
      expect(stderr).toContain('NPS_ADMIN_KEY must be at least 16 characters');
    } finally {
      if (child.exitCode === null) child.kill('SIGTERM');
    }
  });
});

/** How `npm start` is launched: by itself, or through a shell (a parent that can die under it). */
const LAUNCHERS = {
  npm: ['npm', ['start', '--', '--fresh', '--no-demo']],
  // The `exit` after it keeps any shell from exec'ing npm: the shell stays npm's parent.
  shell: ['sh', ['-c', 'npm start -- --fresh --no-demo; exit $?']],
} as const satisfies Record<string, readonly [string, readonly string[]]>;

interface RunningStart {
  root: ChildProcess & { pid: number };
  /** Every process of the tree once the stack answered /health: npm, node, DynamoDB Local's Java, … */
  tree: ProcessEntry[];
  output: () => string;
}

const waitForHealth = async (port: string, root: ChildProcess, output: () => string) => {
  const deadline = Date.now() + 90_000;
  for (;;) {
    if (root.exitCode !== null || root.signalCode !== null)
      throw new Error(`npm start exited before it was ready:\n${output()}`);
    const status = await fetch(`http://127.0.0.1:${port}/health`).then(
      (res) => res.status,
      () => undefined,
    );
    if (status === 200) return;
    if (Date.now() > deadline) throw new Error(`npm start was not healthy within 90 s:\n${output()}`);
    await new Promise((r) => setTimeout(r, 200));
  }
};

/**
 * Runs `npm start` (fresh, no demo, free ports, its own data directory) until it is healthy, hands
 * it to the test, and afterwards kills whatever of its tree still runs — the test may have failed
 * exactly because something survived.
 */
const withNpmStart = async (launcher: keyof typeof LAUNCHERS, test: (run: RunningStart) => Promise<void>) => {
  const dataDir = mkdtempSync(join(tmpdir(), 'nps-start-'));
  const ports = await freePortsEnv();
  const [command, args] = LAUNCHERS[launcher];
  const child = spawn(command, args, {
    env: {
      ...process.env,
      ...ports,
      NPS_DATA_DIR: dataDir,
      NPS_ADMIN_KEY: randomBytes(18).toString('base64url'),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const collect = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-8000);
  };
  child.stdout.on('data', collect);
  child.stderr.on('data', collect);
  const seen: ProcessEntry[] = [];
  try {
    const { pid } = child;
    if (pid === undefined) throw new Error(`could not spawn ${command}`);
    await waitForHealth(ports.PORT, child, () => output);
    const tree = processTree(pid);
    seen.push(...tree);
    expect(tree.map((p) => p.command)).toEqual(
      expect.arrayContaining([
        expect.stringContaining('local/start.ts'),
        expect.stringContaining('DynamoDBLocal.jar'),
      ]),
    );
    await test({ root: Object.assign(child, { pid }), tree, output: () => output });
  } finally {
    if (child.pid !== undefined) seen.push(...processTree(child.pid));
    killSurvivors(seen);
    rmSync(dataDir, { recursive: true, force: true });
  }
};

const describeSurvivors = (survivors: ProcessEntry[]) => survivors.map((p) => `${p.pid} ${p.command}`);

describe('npm start stops every process it started', () => {
  it('when npm gets SIGTERM, as a service manager sends it', { timeout: 150_000 }, async () => {
    await withNpmStart('npm', async ({ root, tree, output }) => {
      process.kill(root.pid, 'SIGTERM');
      const survivors = await waitUntilGone(tree, 20_000);
      expect(describeSurvivors(survivors), output()).toEqual([]);
    });
  });

  it.each([
    ['the shell that started npm', 'shell', (run: RunningStart) => run.root.pid],
    ['npm', 'npm', (run: RunningStart) => run.root.pid],
    [
      'node (nothing of it can run)',
      'npm',
      (run: RunningStart) => {
        // The node process itself, not a shell whose command line names the script.
        const node = run.tree.find((p) => /^\S*node local\/start\.ts/.test(p.command));
        if (!node) throw new Error('no node process in the tree');
        return node.pid;
      },
    ],
  ] as const)('when %s is killed with SIGKILL', { timeout: 150_000 }, async (_who, launcher, victim) => {
    await withNpmStart(launcher, async (run) => {
      process.kill(victim(run), 'SIGKILL');
      const survivors = await waitUntilGone(run.tree, 20_000);
      expect(describeSurvivors(survivors), run.output()).toEqual([]);
    });
  });
});
