import { describe, expect, it } from 'vitest';
import { parsePurchasesJson, purchasesBody } from '../../shared/api/inputs.ts';
import { parsePurchasesCsv } from '../../shared/api/purchases-csv.ts';
import { ValidationError } from '../../shared/errors.ts';

const HEADER = 'purchaseId,customerId,date,amount,quantity,productId';

const errorOf = (fn: () => unknown): ValidationError => {
  try {
    fn();
  } catch (err: unknown) {
    if (err instanceof ValidationError) return err;
    throw err;
  }
  throw new Error('no error');
};

describe('purchases from CSV', () => {
  it('reads the columns in any order and case, ignoring others', () => {
    const csv =
      'Product_ID,quantity,AMOUNT,date,customer_id,purchaseid,note\nsku-1,2,19.90,2026-03-04,c1,p1,gift\n';
    expect(parsePurchasesCsv(csv)).toEqual([
      {
        where: 'line 2',
        purchase: {
          purchaseId: 'p1',
          customerId: 'c1',
          date: '2026-03-04',
          amount: 19.9,
          quantity: 2,
          productId: 'sku-1',
        },
      },
    ]);
  });

  it('names the line of every bad row and reads nothing from the file', () => {
    const csv = [
      HEADER,
      'p1,c1,2026-03-04,10.00,1,sku-1',
      '',
      'p2,c1,2026-02-30,10.00,1,sku-1',
      'p3,c1,2026-03-04,10.005,1,sku-1',
      'p4,c1,2026-03-04,10,0,sku-1',
      'p5,,2026-03-04,10,1,sku-1',
      'p6,c1,2999-01-01,10,1,sku-1',
    ].join('\n');
    const err = errorOf(() => parsePurchasesCsv(csv));
    expect(err.code).toBe('invalid_csv');
    expect(err.message).toMatch(/^no purchases recorded — /);
    // The empty line counts: line numbers are the file's own.
    expect(err.message).toContain('line 4: date: date must be a date YYYY-MM-DD (1970 or later)');
    expect(err.message).toContain(
      'line 5: amount: amount must be a number from 0 to 1,000,000,000 with at most two decimals',
    );
    expect(err.message).toContain('line 6: quantity: quantity must be a whole number from 1 to 1000000');
    expect(err.message).toContain('line 7: customerId:');
    expect(err.message).toContain('line 8: date: date must not be in the future');
    expect(err.message).not.toContain('line 2');
  });

  it('names the missing columns', () => {
    expect(errorOf(() => parsePurchasesCsv('purchaseId,customerId,date\np1,c1,2026-01-01\n')).message).toBe(
      'the CSV has no amount, quantity, productId columns: the header must name purchaseId, customerId, date, amount, quantity, productId',
    );
  });

  it('refuses an empty file, a file that is not CSV, and one too long', () => {
    expect(errorOf(() => parsePurchasesCsv(`${HEADER}\n`)).message).toBe(
      'the CSV has a header but no purchases',
    );
    expect(errorOf(() => parsePurchasesCsv(`${HEADER}\np1,c1,2026-01-01,1,1,sku,extra\n`)).message).toMatch(
      /^the CSV could not be read: .*line 2/,
    );
    const long = [HEADER, ...Array.from({ length: 5001 }, (_, i) => `p${i},c1,2026-01-01,1,1,sku`)].join(
      '\n',
    );
    expect(errorOf(() => parsePurchasesCsv(long)).message).toBe(
      'at most 5000 rows per import; split the file',
    );
  });

  it('counts further problems past the first ten', () => {
    const rows = Array.from({ length: 13 }, (_, i) => `p${i},c1,not-a-date,1,1,sku`);
    expect(errorOf(() => parsePurchasesCsv([HEADER, ...rows].join('\n'))).message).toMatch(/\(and 3 more\)$/);
  });
});

describe('purchases from JSON', () => {
  it('takes numbers or numeric strings, and names the index of a bad item', () => {
    const ok = {
      purchaseId: 'p1',
      customerId: 'c1',
      date: '2026-01-01',
      amount: '5.5',
      quantity: 3,
      productId: 'x',
    };
    expect(parsePurchasesJson([ok])[0]?.purchase).toMatchObject({ amount: 5.5, quantity: 3 });
    const err = errorOf(() => parsePurchasesJson([ok, { ...ok, purchaseId: 'p2', amount: -1 }]));
    expect(err.code).toBe('invalid_request');
    expect(err.message).toContain('[1]: amount: amount must be a number');
  });

  it('wants an array of 1 to 1000', () => {
    expect(purchasesBody.safeParse([]).success).toBe(false);
    expect(purchasesBody.safeParse({}).success).toBe(false);
    expect(purchasesBody.safeParse(Array(1001).fill({})).error?.issues[0]?.message).toBe(
      'at most 1000 purchases per request; split them',
    );
  });
});
