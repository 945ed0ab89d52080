import { readdirSync, readFileSync } from 'node:fs';

/**
 * The machine's processes as Linux's /proc tells them: enough to find everything a spawned command
 * started (its descendants) and to tell when they are gone, without `ps`.
 */
export interface ProcessEntry {
  pid: number;
  ppid: number;
  /** One letter: R running, S sleeping, Z zombie (exited, not yet reaped), … */
  state: string;
  command: string;
}

const isGoneError = (err: unknown) =>
  err instanceof Error && 'code' in err && (err.code === 'ENOENT' || err.code === 'ESRCH');

const readEntry = (pid: number): ProcessEntry | undefined => {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // "pid (comm) state ppid …": the command name may hold spaces and parentheses, so split after the last ')'.
    const [state = '', ppid = ''] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const command = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ').trim();
    return { pid, ppid: Number(ppid), state, command };
  } catch (err: unknown) {
    // It exited between listing /proc and reading it.
    if (isGoneError(err)) return undefined;
    throw err;
  }
};

const processTable = (): ProcessEntry[] =>
  readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .flatMap((name) => readEntry(Number(name)) ?? []);

/** The process and every process below it, now. */
export const processTree = (rootPid: number): ProcessEntry[] => {
  const table = processTable();
  const tree = table.filter((p) => p.pid === rootPid);
  for (let i = 0; i < tree.length; i++) {
    const parent = tree[i];
    if (parent) tree.push(...table.filter((p) => p.ppid === parent.pid));
  }
  return tree;
};

/** A zombie has exited: only its exit status waits for its parent to collect it. */
export const isRunning = (pid: number): boolean => {
  const entry = readEntry(pid);
  return entry !== undefined && entry.state !== 'Z';
};

/** Polls until none of these processes runs, or the deadline passes; returns those still running. */
export const waitUntilGone = async (
  processes: ProcessEntry[],
  timeoutMs: number,
): Promise<ProcessEntry[]> => {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const running = processes.filter((p) => isRunning(p.pid));
    if (running.length === 0 || Date.now() > deadline) return running;
    await new Promise((r) => setTimeout(r, 100));
  }
};

/** The last resort of a test's cleanup: SIGKILL whichever of these processes still runs. */
export const killSurvivors = (processes: ProcessEntry[]): void => {
  for (const p of processes) {
    if (!isRunning(p.pid)) continue;
    try {
      process.kill(p.pid, 'SIGKILL');
    } catch (err: unknown) {
      if (!isGoneError(err)) throw err;
    }
  }
};
