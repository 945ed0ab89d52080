import { parse } from 'csv-parse/sync';
import { ValidationError } from '../errors.ts';
import { MAX_PURCHASES_CSV, type PlacedPurchase, validatePurchaseRows } from './inputs.ts';

/** The columns, matched case-insensitively; `purchase_id` style names are accepted too. */
const COLUMNS = ['purchaseId', 'customerId', 'date', 'amount', 'quantity', 'productId'] as const;
const columnKey = (header: string) =>
  header
    .trim()
    .toLowerCase()
    .replace(/[_\s-]/g, '');

/**
 * How a purchases CSV is read, by the API's import and by `nps purchases import` alike: header
 * names as column keys, a BOM dropped, values trimmed, empty lines skipped, and each record with
 * the line it ends on (`info`), which problems name.
 */
export const PURCHASE_CSV_OPTIONS = {
  columns: (header: string[]) => header.map(columnKey),
  bom: true,
  trim: true,
  skip_empty_lines: true,
  info: true,
};

/** What is missing from a header (the keys of a parsed record), if anything: a whole-file problem. */
export const missingPurchaseColumns = (keys: readonly string[]): string | undefined => {
  const missing = COLUMNS.filter((c) => !keys.includes(columnKey(c)));
  if (missing.length === 0) return undefined;
  return `the CSV has no ${missing.join(', ')} column${missing.length > 1 ? 's' : ''}: the header must name ${COLUMNS.join(', ')}`;
};

/** A parsed record as the purchase it names (other columns dropped), for checkPurchase. */
export const purchaseOfCsvRecord = (record: Record<string, string>): Record<string, string | undefined> =>
  Object.fromEntries(COLUMNS.map((c) => [c, record[columnKey(c)] || undefined]));

/**
 * Purchases from CSV: a header naming the columns `purchaseId,customerId,date,amount,quantity,
 * productId` (any order; other columns are ignored), then one purchase a line. Every row is
 * validated before anything is written, and errors name the line of the file they are on.
 */
export const parsePurchasesCsv = (text: string): PlacedPurchase[] => {
  let rows: Array<{ record: Record<string, string>; info: { lines: number } }>;
  try {
    rows = parse(text, PURCHASE_CSV_OPTIONS);
  } catch (err: unknown) {
    throw new ValidationError(
      `the CSV could not be read: ${err instanceof Error ? err.message : String(err)}`,
      'invalid_csv',
    );
  }
  if (rows.length === 0) throw new ValidationError('the CSV has a header but no purchases', 'invalid_csv');
  const missing = missingPurchaseColumns(Object.keys(rows[0]?.record ?? {}));
  if (missing) throw new ValidationError(missing, 'invalid_csv');
  if (rows.length > MAX_PURCHASES_CSV) {
    throw new ValidationError(`at most ${MAX_PURCHASES_CSV} rows per import; split the file`, 'invalid_csv');
  }
  return validatePurchaseRows(
    rows.map(({ record, info }) => ({
      // `info.lines` is the line the record ends on: its own line, for the usual one-line record.
      where: `line ${info.lines}`,
      raw: purchaseOfCsvRecord(record),
    })),
    'invalid_csv',
  );
};
