import { describe, expect, it } from 'vitest';
import {
  addDays,
  DEMO_COMMENTS,
  DEMO_OWNERS,
  type DemoPlan,
  LIVE_CAMPAIGN,
  planDemo,
  plannedAnswers,
  type Theme,
} from '../../local/demo-data.ts';
import {
  campaignInput,
  customerInput,
  ownerInput,
  purchaseInput,
  routingInput,
  themeDefinitionsInput,
} from '../../shared/api/inputs.ts';
import { isTimeZone } from '../../shared/config.ts';
import { themesOf } from '../../shared/themes/tagging.ts';

const NOW = '2026-12-06T11:30:00.000Z';
const TODAY = '2026-12-06';
const plan = planDemo({ now: NOW, today: TODAY });
const DAY_MS = 86_400_000;

const nps = (scores: number[]) =>
  Math.round(
    ((scores.filter((s) => s >= 9).length - scores.filter((s) => s <= 6).length) / scores.length) * 100,
  );
const customerOf = (p: DemoPlan) => new Map(p.customers.map((c) => [c.id, c]));
const hasChinese = (text: string) => /[\u4e00-\u9fff]/.test(text);

describe('the demo plan', () => {
  it('is the same for the same inputs, and another for another seed', () => {
    expect(planDemo({ now: NOW, today: TODAY })).toEqual(plan);
    expect(planDemo({ now: NOW, today: TODAY, seed: 7 }).purchases).not.toEqual(plan.purchases);
  });

  it('has hundreds of customers the API accepts, in every tier, region and in Chinese', () => {
    expect(plan.customers).toHaveLength(400);
    for (const c of plan.customers) expect(customerInput.safeParse(c).success, c.id).toBe(true);
    expect(new Set(plan.customers.map((c) => c.id)).size).toBe(400);
    expect(new Set(plan.customers.map((c) => c.email)).size).toBe(400);
    const count = (attr: string) => {
      const n = new Map<string, number>();
      for (const c of plan.customers)
        n.set(c.attributes[attr] ?? '', (n.get(c.attributes[attr] ?? '') ?? 0) + 1);
      return n;
    };
    expect([...count('tier').keys()].sort()).toEqual(['key', 'small', 'standard']);
    expect([...count('region').keys()].sort()).toEqual(['apac', 'emea', 'latam', 'na']);
    expect(count('tier').get('key')).toBeLessThan(50);
    for (const c of plan.customers) expect(isTimeZone(c.attributes.timezone ?? ''), c.id).toBe(true);
    const chinese = plan.customers.filter((c) => c.locale?.startsWith('zh'));
    expect(chinese.filter((c) => c.locale === 'zh-CN').length).toBeGreaterThanOrEqual(50);
    expect(chinese.filter((c) => c.locale === 'zh-TW').length).toBeGreaterThanOrEqual(5);
    // Names to match: the Chinese customers' written in Chinese (Dana Fox's colleague Li Wei aside).
    for (const c of chinese.filter((c) => c.id !== 'c-contoso'))
      expect(hasChinese(c.name ?? ''), c.id).toBe(true);
    // The accounts the README walks through are still there.
    expect(customerOf(plan).get('c-northwind')).toMatchObject({ name: 'Dana Fox', ownerId: 'alice' });
  });

  it('has four account managers with emails, and routes the customers without one', () => {
    expect(DEMO_OWNERS).toHaveLength(4);
    for (const o of DEMO_OWNERS)
      expect(ownerInput.safeParse({ ...o, webhookUrl: undefined }).success).toBe(true);
    const ids = new Set(DEMO_OWNERS.map((o) => o.id));
    for (const c of plan.customers) if (c.ownerId) expect(ids.has(c.ownerId)).toBe(true);
    expect(plan.customers.filter((c) => !c.ownerId).length).toBeGreaterThan(0);
    expect(routingInput.safeParse({ rules: plan.routing }).success).toBe(true);
    expect(DEMO_OWNERS.filter((o) => o.refused)).toHaveLength(1);
  });

  it('has purchases the API accepts, where a few customers carry most of the revenue', () => {
    for (const p of plan.purchases) expect(purchaseInput.safeParse(p).success, p.purchaseId).toBe(true);
    expect(new Set(plan.purchases.map((p) => p.purchaseId)).size).toBe(plan.purchases.length);
    expect(plan.purchases.every((p) => p.date <= TODAY && p.date > addDays(TODAY, -541))).toBe(true);
    const revenue = new Map<string, number>();
    for (const p of plan.purchases.filter((p) => p.date > addDays(TODAY, -365)))
      revenue.set(p.customerId, (revenue.get(p.customerId) ?? 0) + Number(p.amount));
    const sorted = [...revenue.values()].sort((a, b) => b - a);
    const total = sorted.reduce((a, b) => a + b, 0);
    const share = (top: number) =>
      sorted.slice(0, Math.ceil(sorted.length * top)).reduce((a, b) => a + b, 0) / total;
    expect(sorted.length).toBeGreaterThan(300);
    expect(share(0.2)).toBeGreaterThan(0.6);
    expect(share(0.01)).toBeGreaterThan(0.1);
  });

  it('has lapsed customers the win-back pass finds, some of them big, and churns of every kind', () => {
    const last = new Map<string, string>();
    for (const p of plan.purchases)
      if ((last.get(p.customerId) ?? '') < p.date) last.set(p.customerId, p.date);
    const lapsed = Object.entries(plan.statusOf).filter(([, s]) => s === 'lapsed');
    expect(lapsed.length).toBeGreaterThanOrEqual(10);
    for (const [id] of lapsed) {
      const day = last.get(id) ?? '';
      // Lost 180 days after it, within the pass's 30 days.
      expect(day >= addDays(TODAY, -208) && day <= addDays(TODAY, -182), id).toBe(true);
    }
    // Everyone else who buys bought within the last 180 days, or is dormant, churned or new.
    for (const [id, status] of Object.entries(plan.statusOf)) {
      if (status === 'active' && last.has(id))
        expect((last.get(id) ?? '') > addDays(TODAY, -180), id).toBe(true);
    }
    expect(new Set(plan.churns.map((c) => c.kind))).toEqual(
      new Set(['natural', 'competitor', 'our-fault', 'ended-by-us']),
    );
    for (const churn of plan.churns) expect((last.get(churn.customerId) ?? '') < churn.on).toBe(true);
  });

  it('has campaigns the API accepts, each with surveys over the year', () => {
    for (const c of plan.campaigns) expect(campaignInput.safeParse(c).success, c.id).toBe(true);
    expect(themeDefinitionsInput.safeParse({ themes: plan.themes }).success).toBe(true);
    const withRuns = new Set(plan.runs.map((r) => r.campaignId));
    expect(withRuns).toEqual(
      new Set([
        'relationship-wave-1',
        'relationship-wave-2',
        'relationship-wave-3',
        'post-support',
        'onboarding',
      ]),
    );
    // The relationship survey: four runs a wave, each to the accounts of its wave only.
    const customers = customerOf(plan);
    const scheduled = plan.runs.filter((r) => r.trigger === 'schedule');
    expect(scheduled).toHaveLength(12);
    for (const run of scheduled) {
      const wave = run.campaignId.slice(-1);
      expect(run.invites.length).toBeGreaterThan(20);
      for (const i of run.invites) expect(customers.get(i.customerId)?.attributes.wave).toBe(wave);
    }
    expect(new Set(scheduled.map((r) => r.at.slice(0, 7))).size).toBe(12);
  });

  it('has answers in every month of the year, in English and Chinese, with a trend and segments that differ', () => {
    const answers = plannedAnswers(plan);
    expect(answers.length).toBeGreaterThan(300);
    const nowMs = Date.parse(NOW);
    for (const { invite, answer } of answers) {
      expect(Date.parse(answer.at)).toBeLessThan(nowMs);
      expect(Date.parse(answer.at)).toBeGreaterThan(nowMs - 366 * DAY_MS);
      expect(answer.at >= invite.sentAt).toBe(true);
    }
    const byMonth = new Map<number, number[]>();
    for (const { answer } of answers) {
      const month = Math.floor((nowMs - Date.parse(answer.at)) / (30.5 * DAY_MS));
      byMonth.set(month, [...(byMonth.get(month) ?? []), answer.score]);
    }
    for (let m = 0; m < 12; m++) expect(byMonth.get(m)?.length ?? 0, `month ${m}`).toBeGreaterThanOrEqual(20);
    const quarter = (months: number[]) => nps(months.flatMap((m) => byMonth.get(m) ?? []));
    expect(quarter([0, 1, 2]) - quarter([9, 10, 11])).toBeGreaterThan(20);

    const customers = customerOf(plan);
    const npsOf = (region: string) =>
      nps(
        answers
          .filter((a) => customers.get(a.invite.customerId)?.attributes.region === region)
          .map((a) => a.answer.score),
      );
    expect(npsOf('na') - npsOf('apac')).toBeGreaterThan(20);

    const comments = answers.flatMap((a) => (a.answer.comment ? [a] : []));
    const chinese = comments.filter((a) => hasChinese(a.answer.comment ?? ''));
    expect(chinese.length).toBeGreaterThan(30);
    expect(chinese.some((a) => customers.get(a.invite.customerId)?.locale === 'zh-TW')).toBe(true);
    // Each comment is tagged with its theme by the real tagging, and themes are counted at all.
    for (const a of comments)
      expect(themesOf(a.answer.comment, plan.themes), a.answer.comment).toContain(a.answer.theme);
  });

  it('tags every comment of its bank with its own theme, in English, Simplified and Traditional Chinese', () => {
    for (const [theme, classes] of Object.entries(DEMO_COMMENTS))
      for (const languages of Object.values(classes))
        for (const comments of Object.values(languages))
          for (const comment of comments)
            expect(themesOf(comment, plan.themes), comment).toContain(theme as Theme);
  });

  it('plans a case in every state: open, acknowledged, contacted, resolved, one escalated, some recovered', () => {
    const answers = plannedAnswers(plan);
    const cases = answers.filter((a) => a.answer.score <= 6);
    expect(cases.every((a) => a.answer.caseMoves !== undefined)).toBe(true);
    const state = (a: (typeof cases)[number]) => a.answer.caseMoves?.at(-1)?.status ?? 'open';
    const states = new Set(cases.map(state));
    expect(states).toEqual(new Set(['open', 'acknowledged', 'contacted', 'resolved']));
    const escalated = cases.filter((a) => a.answer.escalates);
    expect(escalated).toHaveLength(1);
    // A key account's (24 h SLA), past it and still open; every other open case is within 72 h.
    const nowMs = Date.parse(NOW);
    const customers = customerOf(plan);
    for (const a of cases.filter((c) => state(c) === 'open')) {
      const age = (nowMs - Date.parse(a.answer.at)) / 3_600_000;
      const key = customers.get(a.invite.customerId)?.attributes.tier === 'key';
      if (a.answer.escalates) expect(key && age > 24).toBe(true);
      else expect(age < (key ? 24 : 72)).toBe(true);
    }
    for (const a of cases)
      for (const move of a.answer.caseMoves ?? []) {
        expect(move.at > a.answer.at && Date.parse(move.at) < nowMs).toBe(true);
        if (move.status === 'contacted') expect(move.note).toBeTruthy();
        if (move.status === 'resolved') expect(move.outcome).toBeTruthy();
      }
    // Recovered: a detractor whose customer answered 7 or more later.
    const recovered = cases.filter((c) =>
      answers.some(
        (a) =>
          a.invite.customerId === c.invite.customerId && a.answer.score >= 7 && a.answer.at > c.answer.at,
      ),
    );
    expect(recovered.length).toBeGreaterThan(5);
  });

  it("plans today's answers for the key accounts the pulse reaches, with a dead alert among them", () => {
    const customers = customerOf(plan);
    const live = Object.entries(plan.live.answers);
    expect(live.length).toBeGreaterThan(5);
    for (const [id] of live) expect(customers.get(id)?.attributes.tier).toBe('key');
    // One of Wang Fang's, whose old Teams channel answers 410 Gone.
    expect(live.some(([id, a]) => customers.get(id)?.ownerId === 'wang' && a.score <= 6)).toBe(true);
    // Dana Fox is left for the reader, and the pulse reaches her: not surveyed in its 30 days.
    expect(plan.live.answers['c-northwind']).toBeUndefined();
    const lastInvite = plan.runs
      .flatMap((r) => r.invites)
      .filter((i) => i.customerId === 'c-northwind')
      .map((i) => i.sentAt)
      .sort()
      .at(-1);
    expect(Date.parse(NOW) - Date.parse(lastInvite ?? '1970-01-01')).toBeGreaterThan(30 * DAY_MS);
    expect(plan.live.campaignId).toBe(LIVE_CAMPAIGN);
    expect(Object.keys(plan.live.leaveAnswers).length).toBeGreaterThan(3);
  });
});
