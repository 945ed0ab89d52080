import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  batchesOf,
  checkFile,
  customersKind,
  PROBLEMS_SHOWN,
  purchasesKind,
  validationReport,
  withFileLines,
} from '../../cli/csv-import.ts';

const dir = mkdtempSync(join(tmpdir(), 'nps-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let files = 0;
const fileWith = (text: string) => {
  const path = join(dir, `f${++files}.csv`);
  writeFileSync(path, text);
  return path;
};

const PURCHASES = 'purchaseId,customerId,date,amount,quantity,productId';

describe('nps customers import: the check of a whole file, by the API rules, before anything is sent', () => {
  it('names each bad row by the line it is on, empty lines and multi-line fields counted', async () => {
    const file = fileWith(
      [
        'id,email,name,tier',
        'c1,c1@example.com,Ann,key',
        '',
        'c2,not-an-email,Bob,std',
        'c3,c3@example.com,"Cat',
        'on two lines",key',
        'c 4,c4@example.com,Dan,key',
        'c5,c5@example.com,Eve,a|b',
      ].join('\n'),
    );
    const check = await checkFile(file, customersKind);
    expect(check).toEqual({
      rows: 5,
      problemCount: 3,
      problems: [
        { line: 4, problem: 'email: Invalid email address' },
        { line: 7, problem: 'id: use letters, digits and . _ @ - only' },
        { line: 8, problem: 'attributes.tier: attribute values must not contain |' },
      ],
    });
    expect(validationReport(file, 'customers', check)).toEqual({
      message: `${file.split('/').at(-1)}: 3 rows are not valid (of 5 customers) — nothing imported`,
      details: [
        '  line 4: email: Invalid email address',
        '  line 7: id: use letters, digits and . _ @ - only',
        '  line 8: attributes.tier: attribute values must not contain |',
      ],
    });
  });

  it('refuses what the API refuses: computed attributes', async () => {
    const check = await checkFile(fileWith('id,email,value\nc1,c1@example.com,high\n'), customersKind);
    expect(check.problems).toEqual([
      { line: 2, problem: expect.stringContaining('value and loyalty are computed from purchases') },
    ]);
  });

  it('says plainly that an empty id is missing', async () => {
    const check = await checkFile(fileWith('id,email\n,c1@example.com\n'), customersKind);
    expect(check.problems).toEqual([{ line: 2, problem: 'id: required (an empty value is no id)' }]);
  });

  it('has no report for a good file', async () => {
    const check = await checkFile(
      fileWith('\uFEFFid,email\nc1,c1@example.com\r\nc2,c2@example.com\r\n'),
      customersKind,
    );
    expect(check).toEqual({ rows: 2, problems: [], problemCount: 0 });
    expect(validationReport('x.csv', 'customers', check)).toBeNull();
  });

  it('names the first bad rows and counts the rest', async () => {
    const rows = Array.from({ length: PROBLEMS_SHOWN + 7 }, (_, i) => `c${i},bad`);
    const check = await checkFile(fileWith(['id,email', ...rows].join('\n')), customersKind);
    const report = validationReport('many.csv', 'customers', check);
    expect(report?.message).toBe(
      `many.csv: ${PROBLEMS_SHOWN + 7} rows are not valid (of ${PROBLEMS_SHOWN + 7} customers) — nothing imported`,
    );
    expect(report?.details).toHaveLength(PROBLEMS_SHOWN + 1);
    expect(report?.details.at(-1)).toBe('  … and 7 more');
  });

  it('says what is wrong with a file that is no CSV it can import', async () => {
    const empty = await checkFile(fileWith('id,email\n'), customersKind);
    expect(validationReport('empty.csv', 'customers', empty)?.message).toBe(
      'empty.csv: the CSV has a header but no customers — nothing imported',
    );
    const broken = await checkFile(fileWith('id,email\n"c1,c1@example.com\n'), customersKind);
    expect(broken.fileProblem).toMatch(/^the CSV could not be read: Quote Not Closed/);
    const ragged = await checkFile(fileWith('id,email\nc1,c1@example.com,extra\n'), customersKind);
    expect(ragged.fileProblem).toMatch(/^the CSV could not be read: .*line 2/);
  });
});

describe('nps purchases import: the check of a whole file', () => {
  it('names bad rows by line, and one purchaseId with two bodies anywhere in the file', async () => {
    const file = fileWith(
      [
        PURCHASES,
        'p1,c1,2026-01-02,12.50,1,sku',
        'p2,c1,2026-01-02,1.234,1,sku',
        'p1,c1,2026-01-02,12.5,1,sku',
        'p1,c1,2026-01-02,13.50,1,sku',
        'p3,c2,2026-01-03,5,0,sku',
      ].join('\n'),
    );
    const check = await checkFile(file, purchasesKind);
    expect(check.problems).toEqual([
      { line: 3, problem: expect.stringMatching(/^amount: amount must be a number .* two decimals$/) },
      // 12.50 and 12.5 are one amount: the same purchase sent twice is no clash.
      { line: 5, problem: 'purchaseId p1 is also at line 2, with another body' },
      { line: 6, problem: 'quantity: quantity must be a whole number from 1 to 1000000' },
    ]);
  });

  it('refuses a header without the columns, as the API does', async () => {
    const check = await checkFile(fileWith('purchaseId,customerId,date\np1,c1,2026-01-02\n'), purchasesKind);
    expect(validationReport('p.csv', 'purchases', check)?.message).toBe(
      'p.csv: the CSV has no amount, quantity, productId columns: the header must name purchaseId, customerId, date, amount, quantity, productId — nothing imported',
    );
  });

  it('sends a good file in batches of the size asked, each row with its line', async () => {
    const rows = Array.from({ length: 5 }, (_, i) => `p${i},c1,2026-01-0${i + 1},${i}.5,1,sku`);
    const file = fileWith([PURCHASES, ...rows].join('\n'));
    const batches = [];
    for await (const batch of batchesOf(file, purchasesKind, 2)) batches.push(batch);
    expect(batches.map((b) => b.lines)).toEqual([[2, 3], [4, 5], [6]]);
    expect(batches[0]?.values[0]).toEqual({
      purchaseId: 'p0',
      customerId: 'c1',
      date: '2026-01-01',
      amount: 0.5,
      quantity: 1,
      productId: 'sku',
    });
  });

  it('keeps a batch under the API body limit, however few rows that is', async () => {
    const rows = Array.from({ length: 4 }, (_, i) => `p${i},c1,2026-01-0${i + 1},1,1,${'x'.repeat(90)}`);
    const file = fileWith([PURCHASES, ...rows].join('\n'));
    const batches = [];
    for await (const batch of batchesOf(file, purchasesKind, 1000, 400)) batches.push(batch);
    expect(batches.map((b) => b.lines)).toEqual([
      [2, 3],
      [4, 5],
    ]);
  });

  it("names an API message's batch positions as file lines", () => {
    expect(
      withFileLines(
        'no purchases recorded — [0]: customer c9 is not known; [2]: customer c8 is not known',
        [4, 7, 9],
      ),
    ).toBe('no purchases recorded — line 4: customer c9 is not known; line 9: customer c8 is not known');
    expect(withFileLines('[5] is past the batch', [1])).toBe('[5] is past the batch');
  });
});
