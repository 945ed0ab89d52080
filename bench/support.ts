import { inbox, surveyTokenOf } from '../local/client.ts';
import type { LocalStack } from '../local/stack.ts';

/** Nearest-rank percentile (p in 0..100) of a list of numbers. */
export const percentile = (xs: number[], p: number): number => {
  const sorted = [...xs].sort((a, b) => a - b);
  return (
    sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? Number.NaN
  );
};

/** Survey tokens by customer id (the local part of the address), from the local SES store. */
export const surveyTokens = async (stack: LocalStack): Promise<Map<string, string>> =>
  new Map(
    (await inbox(stack)).map((e) => [e.destination.to[0]?.replace(/@.*/, '') ?? '', surveyTokenOf(e) ?? '']),
  );
