import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { type Options, parse } from 'csv-parse';
import { CUSTOMER_CSV_OPTIONS, checkCustomerRow } from '#shared/api/customers-csv';
import {
  type CustomerInput,
  checkPurchase,
  MAX_CUSTOMERS_JSON,
  MAX_PURCHASES_JSON,
  type PurchaseInput,
  type RowCheck,
} from '#shared/api/inputs';
import { missingPurchaseColumns, PURCHASE_CSV_OPTIONS, purchaseOfCsvRecord } from '#shared/api/purchases-csv';
import { purchaseBodyKey } from '#shared/purchases/same-body';
import { CliError, fileError } from './errors.ts';

/**
 * A CSV file read as a stream — never whole into memory — with the API's own rules for each row
 * (shared/api/*-csv.ts, the code behind `POST /api/customers/import` and `/api/purchases/import`),
 * so a file that passes here is one the API accepts row by row.
 */

/** One row's checker; a checker may remember earlier rows (one purchaseId, two bodies). */
export type RowChecker<T> = (record: Record<string, string>, line: number) => RowCheck<T>;

export interface ImportKind<T> {
  /** `customers`, `purchases`: what the report and the totals call the rows. */
  noun: string;
  /** The JSON route the batches go to, and the most rows it takes in one request. */
  path: string;
  maxBatch: number;
  csvOptions: Options;
  /** A fresh checker for one pass over the file. */
  checker: () => RowChecker<T>;
  /** A problem with the file as a whole, seen on its first record (a missing column). */
  headerProblem?: (keys: readonly string[]) => string | undefined;
}

export const customersKind: ImportKind<CustomerInput> = {
  noun: 'customers',
  path: '/api/customers',
  maxBatch: MAX_CUSTOMERS_JSON,
  csvOptions: CUSTOMER_CSV_OPTIONS,
  checker: () => (record) => checkCustomerRow(record),
};

/**
 * Purchases, as the CSV import checks them: each row, and one purchaseId twice with another body
 * anywhere in the file (the API refuses that within a request; the CLI sends a file in several,
 * so it checks the whole file). It keeps a short key per purchaseId, not the purchases.
 */
export const purchasesKind: ImportKind<PurchaseInput> = {
  noun: 'purchases',
  path: '/api/purchases',
  maxBatch: MAX_PURCHASES_JSON,
  csvOptions: PURCHASE_CSV_OPTIONS,
  headerProblem: missingPurchaseColumns,
  checker: () => {
    const seen = new Map<string, { line: number; body: string }>();
    return (record, line) => {
      const checked = checkPurchase(purchaseOfCsvRecord(record));
      if (!checked.ok) return checked;
      const { purchaseId } = checked.value;
      const body = purchaseBodyKey(checked.value);
      const earlier = seen.get(purchaseId);
      if (earlier && earlier.body !== body) {
        return {
          ok: false,
          problem: `purchaseId ${purchaseId} is also at line ${earlier.line}, with another body`,
        };
      }
      if (!earlier) seen.set(purchaseId, { line, body });
      return checked;
    };
  },
};

/** A record and the line of the file it ends on (its own line, for a one-line record). */
export interface CsvRow {
  record: Record<string, string>;
  line: number;
}

/** The file's records, streamed; a file that cannot be read, or is not CSV, is a one-line CliError. */
export async function* csvRows(file: string, options: Options): AsyncGenerator<CsvRow> {
  const source = createReadStream(file);
  const parser = parse({ ...options, info: true });
  source.on('error', (err) => parser.destroy(fileError('read', file, err)));
  source.pipe(parser);
  try {
    for await (const row of parser as AsyncIterable<{
      record: Record<string, string>;
      info: { lines: number };
    }>) {
      yield { record: row.record, line: row.info.lines };
    }
  } catch (err: unknown) {
    if (err instanceof CliError) throw err;
    throw new CsvUnreadable(`the CSV could not be read: ${err instanceof Error ? err.message : String(err)}`);
  } finally {
    source.destroy();
  }
}

/** csv-parse gave up on the file (a stray quote, a row with another number of fields). */
export class CsvUnreadable extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CsvUnreadable';
  }
}

/** Fails with one line when the path is no readable file, before any reading starts. */
export const requireReadableFile = async (file: string): Promise<{ size: number; mtimeMs: number }> => {
  try {
    const found = await stat(file);
    if (found.isDirectory()) throw Object.assign(new Error('directory'), { code: 'EISDIR' });
    // Opening it is the one sure test of read permission.
    const probe = createReadStream(file, { start: 0, end: 0 });
    await new Promise<void>((resolve, reject) => {
      probe.once('open', () => resolve());
      probe.once('error', reject);
    });
    probe.destroy();
    return { size: found.size, mtimeMs: found.mtimeMs };
  } catch (err: unknown) {
    throw fileError('read', file, err);
  }
};

export interface RowProblem {
  line: number;
  problem: string;
}

/** What the check of a whole file found. */
export interface FileCheck {
  /** Data rows read (the header not counted). */
  rows: number;
  /** The first bad rows (at most `shown`), in file order. */
  problems: RowProblem[];
  /** Every bad row, shown or not. */
  problemCount: number;
  /** A problem with the file itself: unreadable as CSV, a missing column, no rows. */
  fileProblem?: string;
}

/** How many bad rows a report names; the rest are counted. */
export const PROBLEMS_SHOWN = 50;

/** Reads the whole file once and checks every row; nothing is sent. */
export const checkFile = async <T>(file: string, kind: ImportKind<T>): Promise<FileCheck> => {
  const check: FileCheck = { rows: 0, problems: [], problemCount: 0 };
  const checker = kind.checker();
  try {
    for await (const { record, line } of csvRows(file, kind.csvOptions)) {
      if (check.rows === 0 && kind.headerProblem) {
        const problem = kind.headerProblem(Object.keys(record));
        if (problem) return { ...check, fileProblem: problem };
      }
      check.rows++;
      const checked = checker(record, line);
      if (!checked.ok) {
        check.problemCount++;
        if (check.problems.length < PROBLEMS_SHOWN) check.problems.push({ line, problem: checked.problem });
      }
    }
  } catch (err: unknown) {
    if (err instanceof CsvUnreadable) return { ...check, fileProblem: err.message };
    throw err;
  }
  if (check.rows === 0) return { ...check, fileProblem: `the CSV has a header but no ${kind.noun}` };
  return check;
};

/**
 * The report of a file that will not be imported: a headline, then each bad row by its line.
 * `null` when the file is good.
 */
export const validationReport = (
  file: string,
  noun: string,
  check: FileCheck,
): { message: string; details: string[] } | null => {
  const name = basename(file);
  if (check.fileProblem) return { message: `${name}: ${check.fileProblem} — nothing imported`, details: [] };
  if (check.problemCount === 0) return null;
  const rows = check.problemCount === 1 ? '1 row is' : `${check.problemCount} rows are`;
  const details = check.problems.map(({ line, problem }) => `  line ${line}: ${problem}`);
  const unshown = check.problemCount - check.problems.length;
  if (unshown > 0) details.push(`  … and ${unshown} more`);
  return {
    message: `${name}: ${rows} not valid (of ${check.rows} ${noun}) — nothing imported`,
    details,
  };
};

/** A batch to send: the rows' values, and the file line of each (an API message names a row by index). */
export interface Batch<T> {
  values: T[];
  lines: number[];
}

/**
 * How much JSON one batch may carry: the API refuses a body over 1 MB (shared/http/handler.ts
 * MAX_BODY_BYTES), and a thousand rows with many attribute columns can come near it.
 */
export const MAX_BATCH_BYTES = 900_000;

/**
 * The file's rows in batches of at most `size` rows and `maxBytes` of JSON, streamed and checked
 * again: the file must not have changed since it was checked (a row gone bad now stops the import
 * where it is).
 */
export async function* batchesOf<T>(
  file: string,
  kind: ImportKind<T>,
  size: number,
  maxBytes = MAX_BATCH_BYTES,
): AsyncGenerator<Batch<T>> {
  const checker = kind.checker();
  let batch: Batch<T> = { values: [], lines: [] };
  let bytes = 2;
  try {
    for await (const { record, line } of csvRows(file, kind.csvOptions)) {
      const checked = checker(record, line);
      if (!checked.ok) {
        throw new CliError(
          `${basename(file)} changed while it was imported: line ${line}: ${checked.problem}`,
        );
      }
      // The value as it is sent, and the comma before it.
      const rowBytes = Buffer.byteLength(JSON.stringify(checked.value)) + 1;
      if (batch.values.length > 0 && bytes + rowBytes > maxBytes) {
        yield batch;
        [batch, bytes] = [{ values: [], lines: [] }, 2];
      }
      batch.values.push(checked.value);
      batch.lines.push(line);
      bytes += rowBytes;
      if (batch.values.length >= size) {
        yield batch;
        [batch, bytes] = [{ values: [], lines: [] }, 2];
      }
    }
  } catch (err: unknown) {
    if (err instanceof CsvUnreadable) {
      throw new CliError(`${basename(file)} changed while it was imported: ${err.message}`);
    }
    throw err;
  }
  if (batch.values.length > 0) yield batch;
}

/** An API message about one batch, its `[3]` positions named as the file lines they came from. */
export const withFileLines = (message: string, lines: readonly number[]): string =>
  message.replace(/\[(\d+)\]/g, (whole, index: string) => {
    const line = lines[Number(index)];
    return line === undefined ? whole : `line ${line}`;
  });
