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
 * Purchases from CSV: a header naming the columns `purchaseId,customerId,date,amount,quantity,
 * productId` (any order; other columns are ignored), then one purchase a line. Every row is
 * validated before anything is written, and errors name the line of the file they are on.
 */
export const parsePurchasesCsv = (text: string): PlacedPurchase[] => {
  let rows: Array<{ record: Record<string, string>; info: { lines: number } }>;
  try {
    rows = parse(text, {
      columns: (header: string[]) => header.map(columnKey),
      bom: true,
      trim: true,
      skip_empty_lines: true,
      info: true,
    });
  } catch (err: unknown) {
    throw new ValidationError(
      `the CSV could not be read: ${err instanceof Error ? err.message : String(err)}`,
      'invalid_csv',
    );
  }
  if (rows.length === 0) throw new ValidationError('the CSV has a header but no purchases', 'invalid_csv');
  const missing = COLUMNS.filter((c) => !(columnKey(c) in (rows[0]?.record ?? {})));
  if (missing.length > 0) {
    throw new ValidationError(
      `the CSV has no ${missing.join(', ')} column${missing.length > 1 ? 's' : ''}: the header must name ${COLUMNS.join(', ')}`,
      'invalid_csv',
    );
  }
  if (rows.length > MAX_PURCHASES_CSV) {
    throw new ValidationError(`at most ${MAX_PURCHASES_CSV} rows per import; split the file`, 'invalid_csv');
  }
  return validatePurchaseRows(
    rows.map(({ record, info }) => ({
      // `info.lines` is the line the record ends on: its own line, for the usual one-line record.
      where: `line ${info.lines}`,
      raw: Object.fromEntries(COLUMNS.map((c) => [c, record[columnKey(c)] || undefined])),
    })),
    'invalid_csv',
  );
};
