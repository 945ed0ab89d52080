import { config } from '../config.ts';
import { takeSendsOfSecond } from '../store/send-rate.ts';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The account's one send rate, shared by every email the stack sends: invites, reminders,
 * follow-ups and owner alert emails, from whichever function. SES enforces one maximum send rate
 * per account, whatever sends; so the turns are counted where every sender sees them — one item per
 * wall-clock second in the table, taken by conditional adds (store/send-rate.ts) — rather than by
 * sizing one queue consumer's concurrency, which holds only for the emails of that one consumer and
 * only as long as a send takes as long as assumed.
 *
 * Each process asks for as many turns as it has senders waiting (at most the whole second), so one
 * table write serves a burst of sends, and asks for the second its answer will arrive in (when the
 * table is slow, the next one), so that turns do not come back after their second has passed. Each
 * turn has its place in the second's order, across every sender, and is not used before its share
 * of the second (place / rate): the emails go out evenly through the second instead of in a burst
 * at its start, so they also reach SES at the rate. Turns left unused when their second ends are
 * lost, as SES's own are, and so is a turn whose sender wakes only after its second ended. After
 * SES throttles, every sender of the process waits out the back-off.
 */
export class SendRate {
  private pool = { second: -1, next: 0, end: 0 };
  private waiting = 0;
  private filling: Promise<void> | undefined;
  private pausedUntil = 0;
  /** How long the table takes to answer an ask for turns (a moving average). */
  private latencyMs = 20;
  private readonly perSecond: () => number;

  constructor(perSecond: () => number) {
    this.perSecond = perSecond;
  }

  /** Resolves when this sender may hand one email to SES, with the instant its turn is for (ms). */
  async take(): Promise<number> {
    this.waiting++;
    try {
      for (;;) {
        const now = Date.now();
        if (now < this.pausedUntil) {
          await sleep(this.pausedUntil - now);
          continue;
        }
        const second = Math.floor(now / 1000);
        if (this.pool.second >= second && this.pool.next < this.pool.end) {
          const place = this.pool.next++;
          const at = this.pool.second * 1000 + (place * 1000) / this.perSecond();
          if (at > now) await sleep(at - now);
          // A turn is for its own second: one handed back after that second ended (an event loop
          // held up on a busy machine) would go out on top of the next second's turns. It is lost,
          // as an unused one is, and the sender asks again.
          if (Date.now() >= (this.pool.second + 1) * 1000) continue;
          return at;
        }
        // Ask for the second the answer will arrive in: when the table is slow to answer, turns
        // asked for the current second would come back after it ended, and be lost.
        const target = Math.max(second, Math.floor((now + 2 * this.latencyMs) / 1000));
        this.filling ??= this.fill(target).finally(() => {
          this.filling = undefined;
        });
        await this.filling;
      }
    } finally {
      this.waiting--;
    }
  }

  /** SES said "too fast": nobody in this process sends for `ms`, and the turns in hand are dropped. */
  backOff(ms: number): void {
    this.pausedUntil = Math.max(this.pausedUntil, Date.now() + ms);
    this.pool.end = this.pool.next;
  }

  private async fill(second: number): Promise<void> {
    const limit = this.perSecond();
    const asked = Date.now();
    const wanted = Math.max(1, Math.min(this.waiting, limit));
    const { from, taken } = await takeSendsOfSecond(second, wanted, limit);
    this.latencyMs = 0.8 * this.latencyMs + 0.2 * (Date.now() - asked);
    if (taken > 0) {
      this.pool = { second, next: from, end: from + taken };
      return;
    }
    // That second is spent, by us or by other senders: wait for the next one, less the time an ask
    // takes (a little jitter, so the senders of several processes do not all ask at once).
    await sleep(Math.max(0, (second + 1) * 1000 - Date.now() - this.latencyMs) + Math.random() * 10);
  }
}

let shared: SendRate | undefined;

/** The process's view of the account's send rate (SES_MAX_SEND_RATE emails per second). */
export const sendRate = (): SendRate => {
  shared ??= new SendRate(() => config().SES_MAX_SEND_RATE);
  return shared;
};
