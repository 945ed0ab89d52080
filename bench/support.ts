import { inbox, surveyTokenOf } from '../local/client.ts';
import type { LocalStack } from '../local/stack.ts';
import { percentile as percentileOf } from '../shared/util/stats.ts';

/** Nearest-rank percentile (p in 0..100) of a list of numbers; NaN for none. */
export const percentile = (xs: number[], p: number): number => percentileOf(xs, p) ?? Number.NaN;

/** Survey tokens by customer id (the local part of the address), from the local SES store. */
export const surveyTokens = async (stack: LocalStack): Promise<Map<string, string>> =>
  new Map(
    (await inbox(stack)).map((e) => [e.destination.to[0]?.replace(/@.*/, '') ?? '', surveyTokenOf(e) ?? '']),
  );
