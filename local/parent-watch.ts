import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { promisify } from 'node:util';

const run = promisify(execFile);

/**
 * The parent pid of another process, or undefined when there is no such process. Linux has it in
 * /proc without starting anything; elsewhere (macOS) `ps` tells it.
 */
const parentPidOf: (pid: number) => Promise<number | undefined> = existsSync('/proc/self/stat')
  ? async (pid) => {
      const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch((err: unknown) => {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
        throw err;
      });
      // "pid (comm) state ppid …": the name may hold spaces and parentheses, so split after the last ')'.
      return stat === undefined ? undefined : Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    }
  : async (pid) => {
      const { stdout } = await run('ps', ['-o', 'ppid=', '-p', String(pid)]).catch((err: unknown) => {
        // ps exits 1, printing nothing, when there is no such process; any other failure is news.
        if ((err as { code?: unknown }).code === 1) return { stdout: '' };
        throw err;
      });
      return stdout.trim() === '' ? undefined : Number(stdout.trim());
    };

/**
 * Calls `onOrphaned` once whoever started this process goes away — even by SIGKILL, when no signal
 * tells us: a process whose parent dies is handed to init, so a changed parent pid is the news.
 *
 * As `npm start`'s script (its line execs node) the parent is npm, and npm keeps running when *its*
 * parent dies: so that link is watched too, and a service manager or test harness that started
 * `npm start` and died takes the whole stack with it.
 */
export const watchParents = (opts: {
  onOrphaned: (why: string) => void;
  log: (line: string) => void;
  everyMs?: number;
}): (() => void) => {
  const parent = process.ppid;
  const npmLauncher =
    process.env.npm_lifecycle_event === 'start' ? parentPidOf(parent) : Promise.resolve(undefined);
  let checking = false;
  let timer: NodeJS.Timeout | undefined;
  const stop = () => clearInterval(timer);
  const check = async () => {
    if (process.ppid !== parent) return `its parent process ${parent} exited`;
    const launcher = await npmLauncher;
    if (launcher === undefined) return undefined;
    const now = await parentPidOf(parent);
    return now === launcher ? undefined : `the process ${launcher} that started npm (pid ${parent}) exited`;
  };
  timer = setInterval(() => {
    if (checking) return;
    checking = true;
    check()
      .then((orphaned) => {
        if (!orphaned) return;
        stop();
        opts.onOrphaned(orphaned);
      })
      // A failed look is retried at the next tick; the stack keeps running meanwhile.
      .catch((err: unknown) => opts.log(`watching the parent processes failed: ${String(err)}`))
      .finally(() => {
        checking = false;
      });
  }, opts.everyMs ?? 500);
  // The watch alone must never keep the process alive.
  timer.unref();
  return stop;
};
