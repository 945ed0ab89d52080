/**
 * Nearest-rank percentile: the smallest observed value with at least p % of the values at or
 * below it. Always one of the observations, so small samples give exact, checkable figures.
 */
export const percentile = (values: readonly number[], p: number): number | null => {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[rank - 1] ?? null;
};

/** The normal quantile of a two-sided 95 % interval, as the published formulas round it. */
export const Z_95 = 1.96;

/**
 * Wilson score interval of a proportion x/n (95 %): unlike p ± z·sqrt(p(1−p)/n) it stays inside
 * 0..1 and is not zero-width at 0 or n successes. Null when n = 0.
 */
export const wilsonInterval = (x: number, n: number, z = Z_95): { low: number; high: number } | null => {
  if (n === 0) return null;
  const p = x / n;
  const z2 = z * z;
  const centre = (p + z2 / (2 * n)) / (1 + z2 / n);
  const half = (z * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n))) / (1 + z2 / n);
  return { low: Math.max(0, centre - half), high: Math.min(1, centre + half) };
};

/**
 * The difference of two independent proportions x1/n1 − x2/n2 with Newcombe's hybrid score
 * interval (1998, method 10), built from the two Wilson intervals: good coverage even for small
 * counts, where the Wald interval of a difference is far too narrow. Null when either n is 0.
 */
export const proportionDifference = (
  x1: number,
  n1: number,
  x2: number,
  n2: number,
): { difference: number; low: number; high: number } | null => {
  const w1 = wilsonInterval(x1, n1);
  const w2 = wilsonInterval(x2, n2);
  if (!w1 || !w2) return null;
  const [p1, p2] = [x1 / n1, x2 / n2];
  const difference = p1 - p2;
  return {
    difference,
    low: difference - Math.sqrt((p1 - w1.low) ** 2 + (w2.high - p2) ** 2),
    high: difference + Math.sqrt((w1.high - p1) ** 2 + (p2 - w2.low) ** 2),
  };
};

/**
 * Relative risk (x1/n1) ÷ (x2/n2) with the usual log-scale 95 % interval
 * (SE of ln RR = sqrt(1/x1 − 1/n1 + 1/x2 − 1/n2)). Null when either side has no events or no
 * cases: the ratio or its interval is then undefined.
 */
export const relativeRisk = (
  x1: number,
  n1: number,
  x2: number,
  n2: number,
  z = Z_95,
): { ratio: number; low: number; high: number } | null => {
  if (x1 === 0 || x2 === 0 || n1 === 0 || n2 === 0) return null;
  const ratio = x1 / n1 / (x2 / n2);
  const se = Math.sqrt(1 / x1 - 1 / n1 + 1 / x2 - 1 / n2);
  return { ratio, low: Math.exp(Math.log(ratio) - z * se), high: Math.exp(Math.log(ratio) + z * se) };
};
