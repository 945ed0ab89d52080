import { stat } from 'node:fs/promises';
import { basename } from 'node:path';
import {
  batchesOf,
  checkFile,
  customersKind,
  type ImportKind,
  purchasesKind,
  requireReadableFile,
  validationReport,
  withFileLines,
} from '../csv-import.ts';
import { ApiError, CliError } from '../errors.ts';
import type { ApiClient } from '../http.ts';
import { type Output, println, progress } from '../output.ts';

/**
 * `nps customers import` / `nps purchases import`: check the whole file first, by the API's rules,
 * and import nothing when a row is bad; then send it in batches to the JSON route.
 *
 * Each batch is one request, atomic on its own: when one fails, the batches before it are saved
 * and the rest are not. Running the import again is safe — customers are upserted by id, and a
 * purchase is recorded once by its purchaseId (sent again unchanged, it is counted `unchanged`).
 */
export interface ImportOptions {
  batchSize?: number;
  dryRun?: boolean;
}

interface Totals {
  [name: string]: number;
}

const TOTAL_NAMES: Record<string, readonly string[]> = {
  customers: ['upserted'],
  purchases: ['recorded', 'corrected', 'unchanged'],
};

const batchSizeOf = (kind: ImportKind<unknown>, asked: number | undefined): number => {
  if (asked === undefined) return kind.maxBatch;
  if (!Number.isInteger(asked) || asked < 1 || asked > kind.maxBatch) {
    throw new CliError(`--batch-size must be a whole number from 1 to ${kind.maxBatch}`);
  }
  return asked;
};

const importFile = async <T>(
  kind: ImportKind<T>,
  file: string,
  options: ImportOptions,
  api: () => ApiClient,
  out: Output,
): Promise<void> => {
  const size = batchSizeOf(kind as ImportKind<unknown>, options.batchSize);
  const before = await requireReadableFile(file);
  const check = await checkFile(file, kind);
  const report = validationReport(file, kind.noun, check);
  if (report) throw new CliError(report.message, { details: report.details });
  if (options.dryRun) {
    println(out, `${basename(file)}: all ${check.rows} ${kind.noun} are valid (nothing sent: --dry-run)`);
    return;
  }

  // Checked and sent in two passes, so the file is never held in memory: it must stay as it was.
  const now = await stat(file);
  if (now.size !== before.size || now.mtimeMs !== before.mtimeMs) {
    throw new CliError(
      `${basename(file)} changed while it was checked; nothing imported — run the import again`,
    );
  }

  const client = api();
  const names = TOTAL_NAMES[kind.noun] ?? [];
  const totals: Totals = Object.fromEntries(names.map((n) => [n, 0]));
  const bar = progress(out, `${kind.noun}`, 'rows sent');
  let sent = 0;
  let number = 0;
  bar.update(0, check.rows);
  try {
    for await (const batch of batchesOf(file, kind, size)) {
      number++;
      let answer: Totals;
      try {
        answer = await client.post<Totals>(kind.path, batch.values);
      } catch (err: unknown) {
        if (!(err instanceof CliError)) throw err;
        // Before anything is imported, an error that is not about the rows (the API is down, the
        // key is wrong) is best said as it is.
        const aboutRows =
          err instanceof ApiError && err.status < 500 && err.status !== 401 && err.status !== 403;
        if (sent === 0 && !aboutRows) throw err;
        const message = err instanceof ApiError ? withFileLines(err.message, batch.lines) : err.message;
        const done =
          sent === 0
            ? 'nothing was imported'
            : `the ${sent} rows before line ${batch.lines[0]} were imported, the rest not`;
        throw new CliError(
          `${message} — batch ${number} (lines ${batch.lines[0]}–${batch.lines.at(-1)}) failed; ${done}. Running the import again is safe.`,
        );
      }
      for (const n of names) totals[n] = (totals[n] ?? 0) + (Number(answer[n]) || 0);
      sent += batch.values.length;
      bar.update(sent, check.rows);
    }
  } finally {
    bar.stop();
  }
  const figures = names.map((n) => `${totals[n]} ${n}`).join(', ');
  println(
    out,
    `imported ${sent} ${kind.noun} from ${basename(file)} in ${number} batch${number === 1 ? '' : 'es'}: ${figures}`,
  );
};

export const importCustomers = (file: string, options: ImportOptions, api: () => ApiClient, out: Output) =>
  importFile(customersKind, file, options, api, out);

export const importPurchases = (file: string, options: ImportOptions, api: () => ApiClient, out: Output) =>
  importFile(purchasesKind, file, options, api, out);
