import { config } from '../config.ts';
import { periodOf } from '../nps/windows.ts';
import { allChurnMarks } from '../store/retention.ts';
import { activeWinBacks, lossesBetween, moveWinBack, recordedLossIds } from '../store/winbacks.ts';
import { mapLimit } from '../util/concurrency.ts';
import { type LossSighting, lossIdOf, openWinBack, sendLeaveSurvey, sightingOfMark } from './open-loss.ts';
import { addDays, boughtSince, LOSS_LOOKBACK_DAYS, lapsedOn, withinLookback } from './policy.ts';

/** Losses opened at once (each reads the customer and routes the case). */
const OPEN_CONCURRENCY = 8;
/** Emails in flight at once: the account's send rate paces them anyway. */
const SEND_CONCURRENCY = 4;

export interface WinBackPassOutcome {
  /** Losses opened today, by trigger, and how many of them got a case. */
  lapsed: number;
  marked: number;
  cases: number;
  surveysSent: number;
  /** Win-back cases closed because the customer bought again. */
  wonBack: number;
}

/** What the value recompute knows of each customer that the win-back pass needs. */
export interface CustomerPurchaseFacts {
  /** Each buyer's last purchase day in the trailing 12 months. */
  lastPurchase: ReadonlyMap<string, string>;
  /** Each customer's value tier, as just recomputed. */
  valueTier: ReadonlyMap<string, string>;
}

/**
 * The daily win-back pass, after the value recompute (which has just read a year of purchases):
 * - customers whose last purchase is CHURN_AFTER_DAYS old are lost (a lapse), and churns marked
 *   by hand are losses too (their route opened them already; a crash there is caught up on here):
 *   each new loss is opened as its value tier says (shared/winback/open-loss.ts);
 * - every "why did you leave?" email still due goes out;
 * - a win-back case whose customer bought again is closed as won back.
 * Losses of the last LOSS_LOOKBACK_DAYS are looked at, so a day the pass did not run (or did not
 * finish its emails) is caught up on.
 * Lapses are seen for purchases in the trailing year: with CHURN_AFTER_DAYS above 335 some are not.
 */
export const runWinBackPass = async (
  facts: CustomerPurchaseFacts,
  now: Date,
  /** No email is started after this: the rest stay due for the next pass (a Lambda has 15 minutes). */
  sendUntil: Date,
): Promise<WinBackPassOutcome> => {
  const c = config();
  const today = periodOf('day', now, c.TIME_ZONE);

  const allMarks = await allChurnMarks();
  // A customer marked churned since their last purchase is that mark's loss (the same episode),
  // opened by it — or, ended by us, no loss to fight: their lapse is no news.
  const markedSinceLast = new Set(
    allMarks.filter((m) => m.on >= (facts.lastPurchase.get(m.customerId) ?? '')).map((m) => m.customerId),
  );
  const sightings: LossSighting[] = [];
  for (const [customerId, last] of facts.lastPurchase) {
    if (markedSinceLast.has(customerId)) continue;
    const lostOn = lapsedOn(last, today, c.CHURN_AFTER_DAYS);
    if (lostOn && withinLookback(lostOn, today)) {
      sightings.push({
        customerId,
        episode: last,
        lostOn,
        trigger: 'lapsed',
        valueTier: facts.valueTier.get(customerId),
      });
    }
  }
  const marks = (await allChurnMarks()).filter(
    (m) => m.kind !== 'ended-by-us' && withinLookback(m.on, today),
  );
  sightings.push(...(await mapLimit(marks, OPEN_CONCURRENCY, sightingOfMark)));

  const ids = await Promise.all(sightings.map((s) => lossIdOf(s.customerId, s.episode)));
  const recorded = await recordedLossIds(ids);
  const fresh = sightings.filter((_, i) => !recorded.has(ids[i] as string));
  const results = await mapLimit(fresh, OPEN_CONCURRENCY, (s) => openWinBack(s, now));
  const opened = results.flatMap((o, i) =>
    o.outcome === 'opened' ? [{ ...o, trigger: fresh[i]?.trigger }] : [],
  );

  const due: string[] = [];
  for await (const page of lossesBetween(addDays(today, -LOSS_LOOKBACK_DAYS), today)) {
    for (const loss of page)
      if (loss.surveyState === 'pending' || loss.surveyState === 'sending') due.push(loss.lossId);
  }
  const sent = await mapLimit(due, SEND_CONCURRENCY, async (id) =>
    Date.now() < sendUntil.getTime() ? sendLeaveSurvey(id, now) : undefined,
  );

  let wonBack = 0;
  for (const w of await activeWinBacks()) {
    const last = facts.lastPurchase.get(w.customerId);
    if (!last || !boughtSince(last, w.episode)) continue;
    const note = `bought again on ${last}`;
    if (await moveWinBack(w, { status: 'won-back', note }, now)) wonBack++;
  }

  const openedOf = (trigger: LossSighting['trigger']) => opened.filter((o) => o.trigger === trigger).length;
  return {
    lapsed: openedOf('lapsed'),
    marked: openedOf('marked'),
    cases: opened.filter((o) => o.winBack).length,
    surveysSent: sent.filter((s) => s === 'sent').length,
    wonBack,
  };
};
