import { describe, expect, it } from 'vitest';
import { countsOf, pauseReason, progressFrom, runTotalsOf } from '../../shared/campaigns/run-progress.ts';

const thresholds = { minSent: 200, complaintRate: 0.003, bounceRate: 0.05 };
const progress = (sent: number, complaints: number, hardBounces: number) =>
  progressFrom([{ sent, complaints, hardBounces }], true);

describe('run progress', () => {
  it('moves a recipient between buckets and counts the reason of a skip', () => {
    expect(countsOf({ to: 'queued' })).toEqual({ queued: 1 });
    expect(countsOf({ from: 'queued', to: 'sent' })).toEqual({ queued: -1, sent: 1 });
    expect(countsOf({ from: 'deferred', to: 'failed', reason: 'expired' })).toEqual({
      deferred: -1,
      failed: 1,
      'reason:expired': 1,
    });
  });

  it('adds up counter items spread over shards, and is settled once nobody waits', () => {
    const p = progressFrom(
      [
        { queued: 2, sent: 5, 'reason:fatigued': 1, suppressed: 1 },
        { queued: -2, sent: 3, failed: 1, 'reason:given up': 1 },
      ],
      true,
    );
    expect(p).toMatchObject({ recipients: 10, queued: 0, sent: 8, suppressed: 1, failed: 1, settled: true });
    expect(p.reasons).toEqual({ fatigued: 1, 'given up': 1 });
    expect(runTotalsOf(p)).toEqual({ invited: 9, sent: 8, skipped: 2 });
    expect(progressFrom([{ queued: 1 }], true).settled).toBe(false);
    expect(progressFrom([], false).settled).toBe(false);
  });

  it('pauses a run past 0.3 % complaints or 5 % hard bounces, with at least 200 out', () => {
    expect(pauseReason(progress(199, 10, 50), thresholds)).toBeUndefined();
    expect(pauseReason(progress(1000, 3, 0), thresholds)).toBeUndefined(); // exactly 0.3 %
    expect(pauseReason(progress(1000, 4, 0), thresholds)).toBe(
      'complaint rate 0.40 % (4 of 1000 sent) passed 0.30 %',
    );
    expect(pauseReason(progress(200, 0, 11), thresholds)).toBe(
      'hard-bounce rate 5.50 % (11 of 200 sent) passed 5.00 %',
    );
  });
});
