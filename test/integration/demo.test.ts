import { describe, expect, it } from 'vitest';
import { seedDemo } from '../../local/demo.ts';
import {
  DEMO_ESCALATION_OWNER_ID,
  DEMO_OWNERS,
  type DemoPlan,
  planDemo,
  plannedAnswers,
} from '../../local/demo-data.ts';
import { startWebhookReceiver } from '../../local/webhook-receiver.ts';
import { periodOf } from '../../shared/nps/windows.ts';
import { newWebhookSecret } from '../../shared/owners/save-owner.ts';
import { adminFetch, useLocalStack } from '../support/local-stack.ts';

type Listed = Record<string, unknown> & { cursor: string | null };

/**
 * `npm start`'s demo, seeded into a fresh stack started paused as `npm start` starts it: every
 * panel of the dashboard has something to show, through the API routes it reads.
 */
describe('the demo account', () => {
  const stack = useLocalStack({
    startPaused: true,
    timeZone: 'UTC',
    extraEnv: { ESCALATION_OWNER_ID: DEMO_ESCALATION_OWNER_ID },
  });
  const api = async (path: string) => {
    const res = await adminFetch(stack(), 'GET', path);
    expect(res.status, `${path}: ${JSON.stringify(res.body)}`).toBe(200);
    return res.body;
  };
  /** Every item of a paged listing. */
  const all = async <T>(path: string, field: string): Promise<T[]> => {
    const items: T[] = [];
    let cursor: string | null = null;
    do {
      const sep = path.includes('?') ? '&' : '?';
      const page = (await api(
        `${path}${sep}limit=200${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
      )) as Listed;
      items.push(...((page[field] ?? []) as T[]));
      cursor = page.cursor;
    } while (cursor);
    return items;
  };

  it('seeds a year of history and today, and every panel reads data', { timeout: 600_000 }, async () => {
    const now = new Date();
    const plan: DemoPlan = planDemo({ now: now.toISOString(), today: periodOf('day', now, 'UTC') });
    const secrets = Object.fromEntries(DEMO_OWNERS.map((o) => [o.hook, newWebhookSecret()]));
    const refused = new Set(DEMO_OWNERS.filter((o) => o.refused).map((o) => o.hook));
    const receiver = await startWebhookReceiver({
      secrets,
      respond: (hook) => (refused.has(hook.path) ? 410 : 204),
    });
    try {
      const ctx = {
        secrets,
        url: stack().url,
        adminKey: stack().adminKey,
        sesUrl: stack().sesUrl,
        webhookBase: receiver.url,
        log: () => undefined,
        settle: stack().settle,
        resume: stack().resume,
        tick: stack().tick,
      };
      const started = performance.now();
      const summary = await seedDemo(ctx, plan);
      console.log(`demo seeded in ${((performance.now() - started) / 1000).toFixed(1)} s`, summary);
      const answers = plannedAnswers(plan);
      expect(summary).toMatchObject({
        customers: 400,
        purchases: plan.purchases.length,
        answers: answers.length,
        cases: answers.filter((a) => a.answer.score <= 6).length,
      });
      expect(summary.liveAnswers).toBeGreaterThan(5);

      // NPS by segment: every dimension, Chinese-speaking customers and themes among them.
      const segments = await all<{ segment: string; responses: number }>(
        '/api/nps/segments?window=all',
        'segments',
      );
      const names = new Set(segments.map((s) => s.segment));
      for (const s of [
        'all',
        'tier:key',
        'region:apac',
        'locale:zh-cn',
        'locale:zh-tw',
        'value:best',
        'loyalty:loyal',
        'owner:wang',
        'campaign:post-support',
        'theme:price',
      ])
        expect(names.has(s), s).toBe(true);
      const total = segments.find((s) => s.segment === 'all')?.responses ?? 0;
      // Every past answer counted (on its own day), and today's.
      expect(total).toBe(answers.length + summary.liveAnswers);

      // The monthly trend: a point for each of the last twelve months at least.
      const trend = (await api('/api/nps?window=month')) as {
        points: Array<{ period: string; responses: number }>;
      };
      expect(trend.points.length).toBeGreaterThanOrEqual(12);
      expect(trend.points.every((p) => p.responses > 0)).toBe(true);

      // What detractors talk about over the last year (the default): terms, and figures per theme.
      const themes = (await api('/api/themes')) as {
        terms: { top: unknown[] };
        themes: Array<{ name: string; total: { responses: number } | null }>;
      };
      expect(themes.terms.top.length).toBeGreaterThan(0);
      for (const name of ['price', 'support', 'delivery'])
        expect(themes.themes.find((t) => t.name === name)?.total?.responses, name).toBeGreaterThan(0);

      // Value tiers, the matrix with NPS per cell, the best who are not loyal.
      const value = (await api('/api/value')) as {
        computedAt: string | null;
        tiers: { classes: Array<{ value: string; customers: number }> };
        matrix: Array<{ nps: { responses: number } }>;
      };
      expect(value.computedAt).not.toBeNull();
      expect(value.tiers.classes.find((c) => c.value === 'best')?.customers).toBeGreaterThan(0);
      expect(value.matrix.some((cell) => cell.nps.responses > 0)).toBe(true);

      // Churn and retention per quarter, churn marks of every kind.
      const retention = (await api('/api/retention?window=quarter')) as {
        periods: Array<{ activeAtStart: number; lost: number }>;
        churnMarks: { total: number };
      };
      expect(retention.periods.length).toBeGreaterThanOrEqual(4);
      expect(retention.periods.every((p) => p.activeAtStart > 0)).toBe(true);
      expect(retention.periods.some((p) => p.lost > 0)).toBe(true);
      expect(retention.churnMarks.total).toBeGreaterThan(0);

      const atRisk = (await api('/api/value/revenue-at-risk')) as { atRisk: number; withOpenCase: number };
      expect(atRisk.atRisk).toBeGreaterThan(0);

      // Cases in every status; one escalated; some recovered by a later 7+.
      type Case = {
        status: string;
        escalatedAt?: string;
        escalatedTo?: string;
        recovered: boolean;
        createdAt: string;
      };
      const cases: Case[] = [];
      for (const status of ['open', 'acknowledged', 'contacted', 'resolved']) {
        const found = await all<Case>(`/api/cases?status=${status}`, 'cases');
        expect(found.length, status).toBeGreaterThan(0);
        cases.push(...found);
      }
      // Escalated to the team lead, as npm start configures it.
      expect(cases.filter((c) => c.escalatedAt).map((c) => c.escalatedTo)).toEqual([
        DEMO_ESCALATION_OWNER_ID,
      ]);
      expect(cases.filter((c) => c.recovered).length).toBeGreaterThan(0);
      // Opened when the answer came, months ago for the oldest.
      expect(cases.some((c) => Date.parse(c.createdAt) < now.getTime() - 180 * 86_400_000)).toBe(true);

      // The latest answers, with Chinese comments among them.
      const responses = await all<{ comment?: string }>('/api/responses', 'responses');
      expect(responses.length).toBe(total);
      expect(responses.some((r) => /[\u4e00-\u9fff]/.test(r.comment ?? ''))).toBe(true);

      // Lost customers: win-back cases, why they left.
      const winBacks = await all<{ status: string }>('/api/winbacks', 'winBacks');
      expect(winBacks.length).toBeGreaterThan(0);
      expect(winBacks.map((w) => w.status)).toEqual(expect.arrayContaining(['open', 'contacted', 'not-won']));
      const reasons = (await api('/api/winbacks/reasons')) as {
        tiers: Array<{ lost: number; answered: number }>;
      };
      expect(reasons.tiers.reduce((n, t) => n + t.answered, 0)).toBeGreaterThan(0);

      // The alert to the archived Teams channel, dead; the others delivered to the receiver.
      expect((await all('/api/alerts/dead', 'alerts')).length).toBeGreaterThan(0);
      expect(receiver.received.some((h) => h.verified && !refused.has(h.path))).toBe(true);

      // The relationship survey's runs, a wave a month: each sent, some recipients skipped as fatigued.
      let skipped = 0;
      for (const wave of ['1', '2', '3']) {
        const campaign = (await api(`/api/campaigns/relationship-wave-${wave}`)) as {
          nextRunAt: string | null;
          runs: Array<{ status: string; progress: { sent: number; suppressed: number } }>;
        };
        expect(campaign.nextRunAt).not.toBeNull();
        expect(campaign.runs).toHaveLength(4);
        expect(campaign.runs.every((r) => r.status === 'sent' && r.progress.sent > 0)).toBe(true);
        skipped += campaign.runs.reduce((n, r) => n + r.progress.suppressed, 0);
      }
      expect(skipped).toBeGreaterThan(0);

      // A seed that stopped halfway is run again from the top: it writes nothing twice.
      const cursorless = (await all<Case>('/api/cases', 'cases')).length;
      await seedDemo(ctx, plan);
      const again = await all<{ segment: string; responses: number }>(
        '/api/nps/segments?window=all',
        'segments',
      );
      expect(again.find((s) => s.segment === 'all')?.responses).toBe(total);
      expect((await all<Case>('/api/cases', 'cases')).length).toBe(cursorless);
      expect((await all('/api/winbacks', 'winBacks')).length).toBe(winBacks.length);
    } finally {
      await receiver.close();
    }
  });
});
