import type { ScoreClass } from '../nps/score.ts';
import type { Term } from './terms.ts';

/** One answer's comment, as the ranking sees it: its class and its distinct terms. */
export interface CommentTerms {
  scoreClass: ScoreClass;
  terms: readonly Term[];
}

export interface TermLift {
  /** The term as most of the comments wrote it (Traditional stays Traditional where most wrote so). */
  term: string;
  /** How much more often detractors' comments use it than promoters' (smoothed, see liftOf). */
  lift: number;
  /** Comments of each class that use the term (each comment once, however often it repeats it). */
  detractors: number;
  passives: number;
  promoters: number;
  /** The unsmoothed shares: detractors / detractor comments, promoters / promoter comments. */
  detractorShare: number;
  promoterShare: number;
}

export type ClassCounts = Record<'detractors' | 'passives' | 'promoters', number>;

/**
 * Added to each count, and twice to each total, before the shares are divided (add-½, as the
 * Haldane–Anscombe correction does for odds ratios): a term no promoter used gets a large, finite
 * lift that still grows with the number of detractors using it, rather than an infinite one that
 * ranks a single mention with a hundred.
 */
export const SMOOTHING = 0.5;

/**
 * lift = ((d + ½) / (D + 1)) ÷ ((p + ½) / (P + 1)), with d and p the detractor and promoter
 * comments that use the term, D and P all detractor and promoter comments.
 * E.g. 3 of 4 detractors and none of 5 promoters: (3.5 / 5) ÷ (0.5 / 6) = 8.4.
 */
export const liftOf = (d: number, D: number, p: number, P: number): number =>
  (d + SMOOTHING) / (D + 2 * SMOOTHING) / ((p + SMOOTHING) / (P + 2 * SMOOTHING));

const round = (x: number, places: number) => Math.round(x * 10 ** places) / 10 ** places;
const share = (part: number, whole: number) => (whole === 0 ? 0 : round(part / whole, 3));

export interface LiftOptions {
  /** A term counts only when at least this many detractor comments use it. */
  minCount: number;
  /** The most terms returned. */
  limit: number;
}

const CLASS_FIELD = { detractor: 'detractors', passive: 'passives', promoter: 'promoters' } as const;

/**
 * The terms detractors use more than promoters (lift above 1), used by at least `minCount`
 * detractor comments, highest lift first (then more detractors, then the term), with the counts
 * behind each figure. Passives are counted for the reader, and count in neither share.
 */
export const rankByLift = (
  comments: readonly CommentTerms[],
  options: LiftOptions,
): { comments: ClassCounts; terms: TermLift[] } => {
  const totals: ClassCounts = { detractors: 0, passives: 0, promoters: 0 };
  const counts = new Map<string, ClassCounts & { written: Map<string, number> }>();
  for (const c of comments) {
    const field = CLASS_FIELD[c.scoreClass];
    totals[field]++;
    for (const { term, written } of c.terms) {
      let entry = counts.get(term);
      if (!entry) {
        entry = { detractors: 0, passives: 0, promoters: 0, written: new Map() };
        counts.set(term, entry);
      }
      entry[field]++;
      entry.written.set(written, (entry.written.get(written) ?? 0) + 1);
    }
  }
  const ranked: TermLift[] = [];
  for (const [term, entry] of counts) {
    if (entry.detractors < options.minCount) continue;
    const lift = liftOf(entry.detractors, totals.detractors, entry.promoters, totals.promoters);
    if (lift <= 1) continue;
    ranked.push({
      term: mostWritten(entry.written, term),
      lift: round(lift, 2),
      detractors: entry.detractors,
      passives: entry.passives,
      promoters: entry.promoters,
      detractorShare: share(entry.detractors, totals.detractors),
      promoterShare: share(entry.promoters, totals.promoters),
    });
  }
  ranked.sort(
    (a, b) =>
      b.lift - a.lift || b.detractors - a.detractors || (a.term < b.term ? -1 : a.term > b.term ? 1 : 0),
  );
  return { comments: totals, terms: ranked.slice(0, options.limit) };
};

const mostWritten = (written: Map<string, number>, fallback: string): string => {
  let best = fallback;
  let bestCount = 0;
  for (const [form, n] of written) {
    if (n > bestCount || (n === bestCount && form < best)) {
      best = form;
      bestCount = n;
    }
  }
  return best;
};
