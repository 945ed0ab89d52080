/**
 * CSV for spreadsheets (RFC 4180: comma-separated, CRLF line ends, a field quoted when it holds a
 * comma, a quote or a line break, its quotes doubled) — and safe to open in one. Exports carry
 * text customers typed (comments), and a spreadsheet runs a cell that starts with `=`, `+`, `-` or
 * `@` as a formula (tab and CR lead to the same in some of them): such a cell gets a leading `'`,
 * which spreadsheets show as text, as OWASP's "CSV Injection" advice has it. Only text is
 * escaped; numbers and booleans the API sent as such cannot be formulas and stay numbers.
 */
const FORMULA_START = /^[=+\-@\t\r]/;

export const escapeFormula = (text: string): string => (FORMULA_START.test(text) ? `'${text}` : text);

const NEEDS_QUOTES = /[",\r\n]|^\s|\s$/;

/** One field: quoted (quotes doubled) when it must be. */
export const quoteField = (text: string): string =>
  NEEDS_QUOTES.test(text) ? `"${text.replace(/"/g, '""')}"` : text;

/**
 * A value of an API item as a cell: empty for none, numbers and booleans as they are, a list of
 * plain values joined by `; `, anything else (attributes, notes) as JSON text.
 */
export const cellOf = (value: unknown): string => {
  if (value === undefined || value === null) return '';
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (typeof value === 'string') return quoteField(escapeFormula(value));
  if (Array.isArray(value) && value.every((v) => typeof v === 'string' || typeof v === 'number')) {
    return quoteField(escapeFormula(value.join('; ')));
  }
  return quoteField(escapeFormula(JSON.stringify(value)));
};

/** One record: the named fields of the item, in order, and the line end. */
export const csvRecord = (columns: readonly string[], item: Record<string, unknown>): string =>
  `${columns.map((c) => cellOf(item[c])).join(',')}\r\n`;

/** The header record: column names are ours, but go through the same quoting. */
export const csvHeader = (columns: readonly string[]): string =>
  `${columns.map((c) => quoteField(escapeFormula(c))).join(',')}\r\n`;
