/**
 * Plain-text tables for a terminal: a header, a rule, one line per row, columns padded to their
 * widest cell; numbers right-aligned so their digits line up. No colours and no box drawing, so the
 * output reads the same in a log file or piped to `less`.
 */
export interface Column {
  header: string;
  align?: 'left' | 'right';
}

/** Characters as a terminal shows them, near enough: code points, not UTF-16 units. */
const widthOf = (text: string) => [...text].length;

const pad = (text: string, width: number, align: 'left' | 'right') => {
  const fill = ' '.repeat(Math.max(0, width - widthOf(text)));
  return align === 'right' ? `${fill}${text}` : `${text}${fill}`;
};

/** The table's lines (no trailing spaces); a cell's line breaks and tabs become spaces. */
export const formatTable = (columns: readonly Column[], rows: ReadonlyArray<readonly string[]>): string[] => {
  const clean = rows.map((row) => columns.map((_, i) => (row[i] ?? '').replace(/[\t\r\n]+/g, ' ')));
  const widths = columns.map((c, i) =>
    Math.max(widthOf(c.header), ...clean.map((row) => widthOf(row[i] ?? ''))),
  );
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, i) => pad(cell, widths[i] ?? 0, columns[i]?.align ?? 'left'))
      .join('  ')
      .trimEnd();
  return [
    line(columns.map((c) => c.header)),
    widths.map((w) => '-'.repeat(w)).join('  '),
    ...clean.map(line),
  ];
};

/** An NPS figure with its sign (`+12.3`, `-4.0`, `0.0`), or a dash when there is none. */
export const signed = (value: number | null | undefined): string => {
  if (value === null || value === undefined) return '—';
  const text = value.toFixed(1);
  return value > 0 ? `+${text}` : text;
};
