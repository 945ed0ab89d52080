import { Z_95 } from '../util/stats.ts';
import {
  adjustedEstimate,
  type Interval,
  type NpsFigures,
  npsFigures,
  oneDecimal,
  type Tally,
} from './score.ts';

/** The level at which a difference is called significant (two-sided). */
export const ALPHA = 0.05;

/** Numerical Recipes' coefficients, highest power of t first. */
const ERFC_COEFFICIENTS = [
  0.17087277, -0.82215223, 1.48851587, -1.13520398, 0.27886807, -0.18628806, 0.09678418, 0.37409196,
  1.00002368, -1.26551223,
] as const;

/**
 * The complementary error function, by the Chebyshev fit of Numerical Recipes (Press et al.,
 * Numerical Recipes in C, 2nd ed., 1992, §6.2, `erfcc`): fractional error below 1.2 × 10⁻⁷ for
 * every x. The error bound is relative, so a tail p-value of 10⁻¹⁰ keeps its leading digits, where
 * 1 − erf(x) from an erf with an absolute bound (Abramowitz–Stegun 7.1.26) would read 0. Ten
 * lines, checked in the unit tests against a reference implementation, instead of a dependency.
 */
export const erfc = (x: number): number => {
  const z = Math.abs(x);
  const t = 1 / (1 + 0.5 * z);
  // The exponent −z² − 1.26551223 + t (1.00002368 + t (0.37409196 + …)), by Horner's rule.
  let series = 0;
  for (const c of ERFC_COEFFICIENTS) series = c + t * series;
  const tail = t * Math.exp(-z * z + series);
  return x >= 0 ? tail : 2 - tail;
};

/** The standard normal distribution function Φ(x) = erfc(−x / √2) / 2. */
export const normalCdf = (x: number): number => erfc(-x / Math.SQRT2) / 2;

/** Two-sided p-value of a standard normal statistic: 2 (1 − Φ(|z|)) = erfc(|z| / √2). */
export const twoSidedPValue = (z: number): number => erfc(Math.abs(z) / Math.SQRT2);

export interface NpsDifference {
  /** subject − baseline in NPS points, one decimal: the difference of the two figures as shown. */
  nps: number | null;
  /** Half-width of the 95 % interval of the difference before clipping, one decimal. */
  marginOfError: number | null;
  /** 95 % interval of the difference, clipped to −200..200 (the range a difference of two NPS has). */
  interval: Interval | null;
  /** The difference of the adjusted estimates over its standard error, two decimals. */
  z: number | null;
  /** Two-sided, normal approximation, four significant digits. */
  pValue: number | null;
  /** pValue < ALPHA; false when either side has no answers. */
  significant: boolean;
}

export interface NpsComparison {
  subject: NpsFigures;
  baseline: NpsFigures;
  difference: NpsDifference;
}

const significantDigits = (x: number, digits: number) => Number(x.toPrecision(digits));
const twoDecimals = (x: number) => {
  const rounded = Math.round(x * 100) / 100;
  return Object.is(rounded, -0) ? 0 : rounded;
};

/**
 * Is the subject's NPS different from the baseline's? Two independent samples (two periods, or a
 * segment and the answers outside it), each estimated by adjusted Wald as in npsFigures: n' = n + 3,
 * p' = (P + ¾) / n', d' = (D + ¾) / n', variance of one answer v = p' + d' − (p' − d')². The
 * difference of the adjusted centres has standard error SE = sqrt(v₁ / n'₁ + v₂ / n'₂) (the
 * variances of independent estimates add); its 95 % interval is the difference ± 1.96 SE, and
 * z = difference / SE, with the two-sided p-value from the normal distribution (MeasuringU's
 * comparison of two Net Promoter Scores). z and the interval share one centre, so "significant"
 * and "the interval leaves out 0" agree (up to 1.96 against the exact 1.95996…).
 *
 * `difference.nps` is the difference of the NPS figures as shown, so the reader's subtraction
 * checks out; the interval is centred on the adjusted difference, which is pulled towards 0 on
 * small samples, as the interval of each figure is.
 */
export const compareNps = (subject: Tally, baseline: Tally): NpsComparison => {
  const [a, b] = [npsFigures(subject), npsFigures(baseline)];
  if (a.nps === null || b.nps === null) {
    return {
      subject: a,
      baseline: b,
      difference: {
        nps: null,
        marginOfError: null,
        interval: null,
        z: null,
        pValue: null,
        significant: false,
      },
    };
  }
  const [x, y] = [adjustedEstimate(subject), adjustedEstimate(baseline)];
  const standardError = Math.sqrt(x.variance / x.n + y.variance / y.n);
  const centre = (x.centre - y.centre) * 100;
  const margin = Z_95 * standardError * 100;
  const z = (x.centre - y.centre) / standardError;
  const pValue = twoSidedPValue(z);
  return {
    subject: a,
    baseline: b,
    difference: {
      nps: oneDecimal(a.nps - b.nps),
      marginOfError: oneDecimal(margin),
      interval: {
        low: oneDecimal(Math.max(-200, centre - margin)),
        high: oneDecimal(Math.min(200, centre + margin)),
      },
      z: twoDecimals(z),
      pValue: significantDigits(pValue, 4),
      significant: pValue < ALPHA,
    },
  };
};
