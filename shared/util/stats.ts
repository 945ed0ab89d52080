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
