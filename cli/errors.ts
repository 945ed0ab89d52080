/**
 * What the CLI tells its user when something goes wrong: one line on stderr, exit code 1, never a
 * stack trace. Every failure a user can cause or fix (a wrong key, an API that is down, a missing
 * file, a bad CSV, a request the API refused) is a CliError with a message written for them; any
 * other error is a bug, printed as one line too.
 */
export class CliError extends Error {
  readonly exitCode: number;
  /** Lines printed after the message (a validation report's rows). */
  readonly details: readonly string[];
  constructor(message: string, options: { exitCode?: number; details?: readonly string[] } = {}) {
    super(message);
    this.name = 'CliError';
    this.exitCode = options.exitCode ?? 1;
    this.details = options.details ?? [];
  }
}

/** An answer of the API other than 2xx, with its status and the `error.code` it gave. */
export class ApiError extends CliError {
  readonly status: number;
  readonly code: string | undefined;
  constructor(message: string, status: number, code: string | undefined) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
  }
}

/** The errno-style code of a Node error, if it has one. */
const codeOf = (err: unknown): string | undefined => {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
};

const FILE_PROBLEMS: Record<string, string> = {
  ENOENT: 'no such file',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  EISDIR: 'it is a directory',
  ENOTDIR: 'a part of the path is not a directory',
  ENOSPC: 'no space left on the device',
  EROFS: 'the file system is read-only',
};

/** A file that could not be read or written, as one line naming the file and why. */
export const fileError = (verb: 'read' | 'write', path: string, err: unknown): CliError => {
  const code = codeOf(err);
  const why = (code && FILE_PROBLEMS[code]) ?? (err instanceof Error ? err.message : String(err));
  return new CliError(`cannot ${verb} ${path}: ${why}`);
};

/** The one line printed for an error that is no CliError (a bug, or something unforeseen). */
export const unexpectedErrorLine = (err: unknown): string => {
  const message = err instanceof Error ? err.message : String(err);
  return `unexpected error: ${message.split('\n')[0]} (NPS_DEBUG=1 prints the stack)`;
};
