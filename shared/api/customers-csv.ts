import { parse } from 'csv-parse/sync';
import { ValidationError } from '../errors.ts';
import { type CustomerInput, customerInput, problemOf, type RowCheck } from './inputs.ts';

const MAX_CSV_ROWS = 5000;
const FIXED_COLUMNS = new Set(['id', 'email', 'name', 'locale', 'ownerid', 'owner_id', 'owner']);

/**
 * How a customers CSV is read, by the API's import and by `nps customers import` alike: header
 * names trimmed, a BOM dropped, values trimmed, empty lines skipped.
 */
export const CUSTOMER_CSV_OPTIONS = {
  columns: (header: string[]) => header.map((h) => h.trim()),
  bom: true,
  trim: true,
  skip_empty_lines: true,
};

/**
 * One CSV row as a customer: `id,email,name,locale,ownerId` (any case; `owner_id` and `owner` too),
 * every other non-empty column an attribute — or what is wrong with the row.
 */
export const checkCustomerRow = (row: Record<string, string>): RowCheck<CustomerInput> => {
  const lower = Object.fromEntries(Object.entries(row).map(([k, v]) => [k.toLowerCase(), v]));
  const attributes = Object.fromEntries(
    Object.entries(row).filter(([k, v]) => !FIXED_COLUMNS.has(k.toLowerCase()) && v !== ''),
  );
  const parsed = customerInput.safeParse({
    id: lower.id,
    email: lower.email,
    name: lower.name || undefined,
    locale: lower.locale || undefined,
    ownerId: lower.ownerid || lower.owner_id || lower.owner || undefined,
    attributes,
  });
  return parsed.success ? { ok: true, value: parsed.data } : { ok: false, problem: problemOf(parsed.error) };
};

/**
 * Customers from CSV: `id,email,name,locale,ownerId` plus any other column as a segment attribute
 * (`tier`, `region`, …). All rows are validated before anything is written; errors name the rows.
 */
export const parseCustomersCsv = (text: string): CustomerInput[] => {
  let rows: Array<Record<string, string>>;
  try {
    rows = parse(text, CUSTOMER_CSV_OPTIONS);
  } catch (err: unknown) {
    throw new ValidationError(
      `the CSV could not be read: ${err instanceof Error ? err.message : String(err)}`,
      'invalid_csv',
    );
  }
  if (rows.length === 0) throw new ValidationError('the CSV has a header but no customers', 'invalid_csv');
  if (rows.length > MAX_CSV_ROWS) {
    throw new ValidationError(`at most ${MAX_CSV_ROWS} rows per import; split the file`, 'invalid_csv');
  }
  const problems: string[] = [];
  const customers: CustomerInput[] = [];
  rows.forEach((row, index) => {
    const checked = checkCustomerRow(row);
    if (checked.ok) customers.push(checked.value);
    else problems.push(`line ${index + 2}: ${checked.problem}`);
  });
  if (problems.length) {
    const more = problems.length > 10 ? ` (and ${problems.length - 10} more)` : '';
    throw new ValidationError(
      `no customers imported — ${problems.slice(0, 10).join('; ')}${more}`,
      'invalid_csv',
    );
  }
  return customers;
};
