import { once } from 'node:events';
import cliProgress from 'cli-progress';

/**
 * Where a command writes: results on stdout, notes and errors on stderr. Progress is a bar only
 * when stdout is a terminal; piped or redirected (a CI log, a test), it is one plain line per step,
 * since a bar's carriage returns make an unreadable log.
 */
export interface Output {
  readonly stdout: NodeJS.WritableStream;
  readonly stderr: NodeJS.WritableStream;
  readonly isTTY: boolean;
}

export const processOutput = (): Output => ({
  stdout: process.stdout,
  stderr: process.stderr,
  isTTY: process.stdout.isTTY === true,
});

export const println = (out: Output, line = '') => {
  out.stdout.write(`${line}\n`);
};
export const eprintln = (out: Output, line = '') => {
  out.stderr.write(`${line}\n`);
};

/** Writes a chunk, waiting when the stream asks to (a large export into a slow pipe). */
export const writeChunk = async (stream: NodeJS.WritableStream, chunk: string): Promise<void> => {
  if (!stream.write(chunk)) await once(stream, 'drain');
};

export interface Progress {
  /** `done` of `total` so far; `detail` is what the plain line adds after the counts. */
  update(done: number, total: number, detail?: string): void;
  stop(): void;
}

/**
 * A progress bar (cli-progress) on a terminal, else a plain line whenever the figures change:
 * `label: 1000/4500 rows sent`.
 */
export const progress = (out: Output, label: string, unit: string): Progress => {
  if (out.isTTY) {
    const bar = new cliProgress.SingleBar(
      {
        format: `${label} [{bar}] {percentage}% | {value}/{total} ${unit}{detail}`,
        stream: out.stdout,
        hideCursor: false,
        clearOnComplete: false,
        etaBuffer: 20,
      },
      cliProgress.Presets.shades_classic,
    );
    let started = false;
    return {
      update: (done, total, detail) => {
        const payload = { detail: detail ? ` | ${detail}` : '' };
        // A bar of nothing (a run whose audience is not known yet) would read NaN %.
        if (total === 0) return;
        if (!started) {
          bar.start(total, done, payload);
          started = true;
        } else {
          bar.setTotal(total);
          bar.update(done, payload);
        }
      },
      stop: () => {
        if (started) bar.stop();
      },
    };
  }
  let last = '';
  return {
    update: (done, total, detail) => {
      // Nothing done yet is no news in a log.
      if (done === 0) return;
      const line = `${label}: ${done}/${total} ${unit}${detail ? ` (${detail})` : ''}`;
      if (line !== last) println(out, line);
      last = line;
    },
    stop: () => undefined,
  };
};
