/**
 * When a case's next alert goes out. The first goes at once; a change within the debounce of the
 * last one (a customer who clicks a score, then types a comment) waits for the debounce to end and
 * goes as one update carrying the latest answer — later changes in that wait replace it.
 */
export type AlertTiming =
  | { kind: 'now'; at: Date }
  | {
      kind: 'debounced';
      at: Date;
      /** An update is already waiting for `at`: this change replaces it. */
      replacesPending: boolean;
    };

export const alertTiming = (lastAlertAt: string | undefined, now: Date, debounceMs: number): AlertTiming => {
  if (!lastAlertAt) return { kind: 'now', at: now };
  const last = Date.parse(lastAlertAt);
  if (last > now.getTime()) return { kind: 'debounced', at: new Date(last), replacesPending: true };
  if (now.getTime() - last < debounceMs) {
    return { kind: 'debounced', at: new Date(last + debounceMs), replacesPending: false };
  }
  return { kind: 'now', at: now };
};

/** The event id of a case's debounced update: one per case and send time, whatever it carries. */
export const debouncedEventId = (caseId: string, at: Date): string => `${caseId}.t${at.getTime()}`;
