import { describe, expect, it } from 'vitest';
import { cellOf, csvHeader, csvRecord, escapeFormula, quoteField } from '../../cli/csv-out.ts';

describe('nps export: CSV a spreadsheet opens as data, never as formulas', () => {
  it.each([
    ['=HYPERLINK("http://evil.example","click")', `'=HYPERLINK("http://evil.example","click")`],
    ['+1+1', `'+1+1`],
    ['-2+3', `'-2+3`],
    ['@SUM(A1:A2)', `'@SUM(A1:A2)`],
    ['\t=1+1', `'\t=1+1`],
    ['\r=1+1', `'\r=1+1`],
  ])('prefixes %j with a quote mark', (text, escaped) => {
    expect(escapeFormula(text)).toBe(escaped);
  });

  it('leaves other text as it is, a formula character inside it included', () => {
    for (const text of ['great service', 'a=b', 'price +10%', 'me@example.com', '', "'quoted"]) {
      expect(escapeFormula(text)).toBe(text);
    }
  });

  it('quotes a field with a comma, a quote or a line break, doubling its quotes', () => {
    expect(quoteField('plain')).toBe('plain');
    expect(quoteField('a,b')).toBe('"a,b"');
    expect(quoteField('say "hi"')).toBe('"say ""hi"""');
    expect(quoteField('two\nlines')).toBe('"two\nlines"');
    expect(quoteField('cr\rhere')).toBe('"cr\rhere"');
    expect(quoteField(' padded ')).toBe('" padded "');
  });

  it('escapes first, then quotes: a formula with a comma stays one quoted, inert field', () => {
    expect(cellOf('=1,2')).toBe(`"'=1,2"`);
    expect(cellOf('\r\n=cmd|" /C calc"!A0')).toBe(`"'\r\n=cmd|"" /C calc""!A0"`);
  });

  it('writes numbers and booleans as they are (a negative number is no formula), none as empty', () => {
    expect(cellOf(-3)).toBe('-3');
    expect(cellOf(9)).toBe('9');
    expect(cellOf(true)).toBe('true');
    expect(cellOf(undefined)).toBe('');
    expect(cellOf(null)).toBe('');
  });

  it('joins lists of plain values and writes objects as JSON, escaped and quoted like any text', () => {
    expect(cellOf(['price', 'support'])).toBe('price; support');
    expect(cellOf(['=evil'])).toBe(`'=evil`);
    expect(cellOf({ tier: 'key' })).toBe('"{""tier"":""key""}"');
    expect(cellOf([{ at: 'x', text: 'y' }])).toBe('"[{""at"":""x"",""text"":""y""}]"');
  });

  it('writes records in column order with CRLF line ends, missing fields empty', () => {
    const columns = ['score', 'comment', 'customerId', 'ownerId'];
    expect(csvHeader(columns)).toBe('score,comment,customerId,ownerId\r\n');
    expect(csvRecord(columns, { customerId: 'c1', score: 3, comment: '-bad, really', extra: 'x' })).toBe(
      `3,"'-bad, really",c1,\r\n`,
    );
  });
});
