import type { FunctionName } from '#functions/routes';
import { inviteFor } from '#shared/campaigns/invite-customer';
import { countsOf } from '#shared/campaigns/run-progress';
import { progressWrites } from '#shared/campaigns/send-invite';
import { raiseDetractorAlert } from '#shared/cases/from-answer';
import { updateCase } from '#shared/cases/update-case';
import { config } from '#shared/config';
import { isDetractor } from '#shared/nps/score';
import { tokenKey } from '#shared/secrets';
import { completeRun, createRun, getCampaign } from '#shared/store/campaigns';
import { getCase } from '#shared/store/cases';
import { customerPages } from '#shared/store/customers';
import {
  getSurveySlot,
  markInviteSent,
  putInviteOnce,
  releaseSenderLease,
  takeSenderLease,
  takeSurveySlot,
} from '#shared/store/invites';
import { getResponse, writeAnswer } from '#shared/store/responses';
import { inCounterLane, logRunSkip } from '#shared/store/run-progress';
import type { Campaign, Customer, Response } from '#shared/store/schemas';
import { decideAnswer } from '#shared/survey/answer-change';
import { themesOf } from '#shared/themes/tagging';
import { deriveInviteId } from '#shared/tokens/survey-token';
import { mapLimit } from '#shared/util/concurrency';
import { adminApi, inbox, type StoredEmail, surveyLinkOf } from './client.ts';
import type { DemoPlan, PlannedInvite, PlannedMove, PlannedRun } from './demo-data.ts';
import { runAsFunction } from './table-access-check.ts';

export interface DemoContext {
  /** Signing secrets per receiver path, chosen here and kept by the caller for verification. */
  secrets: Record<string, string>;
  url: string;
  adminKey: string;
  sesUrl: string;
  webhookBase: string;
  log: (line: string) => void;
  settle: () => Promise<void>;
  /** Starts the stack's stream consumers and ticker (the stack was started paused for the history). */
  resume: () => void;
  /** Runs the every-minute functions once (the SLA check among them). */
  tick: () => Promise<void>;
}

export interface DemoSummary {
  customers: number;
  purchases: number;
  invites: number;
  answers: number;
  cases: number;
  liveAnswers: number;
  /** Seconds taken: the account set up through the API, the history, the consumers catching up, today. */
  seconds: { account: number; history: number; catchUp: number; today: number };
}

/** Writes at once: DynamoDB Local takes them in parallel, and each one waits mostly on it. */
const WRITE_CONCURRENCY = 16;
const POST_PURCHASES_MAX = 1000;

/** The seed's hold on the invite sender's lease (its own name, so a seed run again takes it back). */
const SEED_LEASE = 'demo-seed';

const CASE_ORDER = { open: 0, acknowledged: 1, contacted: 2, resolved: 3 } as const;

/**
 * Seeds the demo account of `plan` (local/demo-data.ts) into a running stack started paused, and
 * resumes it. Everything a customer-success team does goes through the admin API, as they would do
 * it: owners, customers, routing, themes, purchases, campaigns, churn marks, the value recompute,
 * today's live campaign and its answers (through the links in its emails), win-back moves.
 *
 * The year behind it cannot: the API records an answer at the moment it is given. So the past is
 * written in-process by the very functions the stack runs, given the time it happened — each run
 * (created and completed then), each invite (written and marked sent, with its run's counters, and
 * the skips of the fatigued), each answer (`writeAnswer`, its themes tagged), each detractor's case
 * opened by `raiseDetractorAlert` as the alert consumer would have opened it then (SLA from then),
 * and worked by its owner (`updateCase`) on the days the plan says — each call checked against the
 * IAM grant of the function that makes it (local/table-access-check.ts). The stack is paused
 * until every case of the history is open and worked; then its stream consumers read the stream
 * from its start, as Lambda's would after an import, while the rest of the history is written (the
 * invite sender kept off the invites by its lease): the rollup counts every answer on the day it
 * was first given, and the alert consumer finds each case opened already (a redelivery to it: no
 * second case, no alert), marking the cases whose customer later answered 7 or more as recovered.
 * Owners get their email and webhook only after the history, so a year of old detractors pages
 * nobody today.
 *
 * Safe to run again over a seed that stopped halfway: every write is idempotent or conditional.
 */
export const seedDemo = async (ctx: DemoContext, plan: DemoPlan): Promise<DemoSummary> => {
  const api = adminApi(ctx);
  let lap = performance.now();
  const took = () => {
    const now = performance.now();
    const seconds = Math.round((now - lap) / 100) / 10;
    lap = now;
    return seconds;
  };
  ctx.log(`seeding the demo account: ${plan.customers.length} customers and a year of their history…`);

  // Who works the cases; their channels come after the history (see above).
  for (const owner of plan.owners) {
    await api('POST', '/api/owners', {
      id: owner.id,
      name: owner.name,
      style: owner.style,
      ...(owner.locale ? { locale: owner.locale } : {}),
    });
  }
  await api('POST', '/api/customers', plan.customers);
  await api('PUT', '/api/routing', { rules: plan.routing });
  await api('PUT', '/api/themes/definitions', { themes: plan.themes });
  for (let i = 0; i < plan.purchases.length; i += POST_PURCHASES_MAX) {
    await api('POST', '/api/purchases', plan.purchases.slice(i, i + POST_PURCHASES_MAX));
  }
  // Value tiers and loyalty first, so the year's answers snapshot them and NPS reads by them; its
  // win-back pass finds the customers lapsed in the last 30 days.
  await api('POST', '/api/value/recompute');
  await ctx.settle();
  for (const campaign of plan.campaigns) await api('POST', '/api/campaigns', campaign);
  for (const churn of plan.churns) {
    await api('POST', `/api/customers/${churn.customerId}/churn`, {
      kind: churn.kind,
      on: churn.on,
      note: churn.note,
    });
  }

  const account = took();
  // Once every case of the history is open and worked, the consumers and the ticker may start:
  // they catch up while the rest of the history (the other answers and invites) is written.
  const written = await writeHistory(plan, ctx.resume);
  // The CRM's next sync marks the churned customers, whom the campaigns' audiences leave out.
  const churned = new Set(plan.churns.map((c) => c.customerId));
  await api(
    'POST',
    '/api/customers',
    plan.customers
      .filter((c) => churned.has(c.id))
      .map((c) => ({ ...c, attributes: { ...c.attributes, status: 'churned' } })),
  );

  for (const owner of plan.owners) {
    await api('POST', '/api/owners', {
      id: owner.id,
      name: owner.name,
      email: owner.email,
      style: owner.style,
      ...(owner.locale ? { locale: owner.locale } : {}),
      webhookUrl: `${ctx.webhookBase}${owner.hook}`,
      webhookSecret: ctx.secrets[owner.hook],
    });
  }
  const history = took();
  await settleLong(ctx);
  // The SLA check, as the ticker runs it each minute: the case left open past its SLA is escalated.
  await ctx.tick();
  await settleLong(ctx);

  const catchUp = took();
  const liveAnswers = await answerLiveCampaign(ctx, plan);
  await answerLeaveSurveys(ctx, plan);
  await workWinBacks(ctx);
  // Again, now that today's answers are in: the value × loyalty matrix reads each customer's latest.
  await api('POST', '/api/value/recompute');
  await settleLong(ctx);
  return {
    customers: plan.customers.length,
    purchases: plan.purchases.length,
    ...written,
    liveAnswers,
    seconds: { account, history, catchUp, today: took() },
  };
};

/** The stack's settle, given longer: catching up on a year of answers takes the consumers a while. */
const settleLong = async (ctx: DemoContext) => {
  for (let attempt = 1; ; attempt++) {
    try {
      await ctx.settle();
      return;
    } catch (err: unknown) {
      if (attempt >= 6 || !(err instanceof Error) || !/still busy|did not settle/.test(err.message))
        throw err;
    }
  }
};

/** Runs `work` as function `name` would: its DynamoDB calls checked against that function's grant. */
const as = <T>(name: FunctionName, work: () => Promise<T>) => runAsFunction(name, work);

/** The year of runs, invites, answers and cases, written with their own times (see seedDemo). */
const writeHistory = async (plan: DemoPlan, afterCases: () => void) => {
  const key = await tokenKey();
  const customers = new Map<string, Customer>();
  for await (const page of customerPages()) for (const c of page) customers.set(c.id, c);
  const campaigns = new Map<string, Campaign>();
  for (const id of new Set(plan.runs.map((r) => r.campaignId))) {
    const campaign = await getCampaign(id);
    if (!campaign) throw new Error(`demo campaign ${id} was not saved`);
    campaigns.set(id, campaign);
  }
  const ttlMs = config().TOKEN_TTL_DAYS * 86_400_000;

  // Each campaign run as its dispatch left it: created when it started, completed when it was through.
  for (const run of plan.runs.filter((r) => r.trigger === 'schedule')) {
    const at = new Date(run.at);
    await as('run-schedules', () =>
      createRun(
        { campaignId: run.campaignId, runId: run.runId, trigger: 'schedule' },
        new Date(Date.now() + 3_600_000),
        at,
      ),
    );
    await as('dispatch-campaign', () =>
      completeRun(run.campaignId, run.runId, new Date(at.getTime() + 1_800_000)),
    );
  }

  type Job =
    | { kind: 'invite'; run: PlannedRun; invite: PlannedInvite }
    | { kind: 'fatigued'; run: PlannedRun; customerId: string };
  const jobs: Job[] = plan.runs.flatMap((run) => [
    ...run.invites.map((invite) => ({ kind: 'invite' as const, run, invite })),
    ...run.fatigued.map((customerId) => ({ kind: 'fatigued' as const, run, customerId })),
  ]);
  let answers = 0;
  let cases = 0;
  const write = (job: Job, worker: number) =>
    // Each worker adds to run counters of its own, as a dispatch's workers do.
    inCounterLane(`demo-${worker}`, async () => {
      const { run } = job;
      if (job.kind === 'fatigued') {
        await as('dispatch-campaign', () =>
          logRunSkip(
            run.campaignId,
            run.runId,
            { customerId: job.customerId, reason: 'fatigued', at: run.at },
            countsOf({ to: 'suppressed', reason: 'fatigued' }),
          ),
        );
        return;
      }
      const customer = customers.get(job.invite.customerId);
      const campaign = campaigns.get(run.campaignId);
      if (!customer || !campaign) throw new Error(`demo invite of ${job.invite.customerId}: unknown`);
      const sentAt = new Date(job.invite.sentAt);
      const event = run.trigger === 'event';
      // The id a run (or an event survey's idempotency key) derives, as dispatch and requestSurvey do.
      const inviteId = deriveInviteId(key, campaign.id, run.runId, event ? '' : customer.id);
      const invite = {
        ...inviteFor(
          customer,
          campaign,
          { inviteId, runId: run.runId },
          {
            createdAt: run.at,
            expiresAt: new Date(sentAt.getTime() + ttlMs).toISOString(),
            ...(event ? { sendAfter: job.invite.sentAt } : {}),
          },
        ),
        runState: 'queued' as const,
      };
      await as('dispatch-campaign', () =>
        putInviteOnce(invite, progressWrites(invite, { to: 'queued' }, new Date(run.at))),
      );
      await as('send-invites', () =>
        markInviteSent(
          invite,
          `demo-${inviteId}`,
          sentAt,
          progressWrites(invite, { from: 'queued', to: 'sent' }, sentAt),
        ),
      );
      const planned = job.invite.answer;
      if (!planned) return;
      const at = new Date(planned.at);
      const answer = { score: planned.score, comment: planned.comment };
      const decision = decideAnswer(undefined, answer, at, config().ANSWER_EDITS_PER_HOUR);
      if (decision.kind !== 'write') throw new Error('a first answer is always written');
      const outcome = await as('submit-response', () =>
        writeAnswer(
          invite,
          { attributes: customer.attributes, ownerId: customer.ownerId },
          undefined,
          {
            answer,
            news: decision.news,
            edits: decision.edits,
            themes: themesOf(planned.comment, plan.themes),
          },
          at,
        ),
      );
      // Written by an earlier, interrupted seed: the stored one stands.
      const response: Response | undefined =
        outcome.kind === 'written' ? outcome.response : await getResponse(inviteId);
      if (!response) throw new Error(`demo answer ${inviteId} was neither written nor found`);
      answers++;
      if (!isDetractor(response.score)) return;
      // The case, as the alert consumer opened it when the answer came in.
      await as('raise-alerts', () => raiseDetractorAlert(undefined, response, at));
      cases++;
      for (const move of planned.caseMoves ?? []) await moveCase(inviteId, move);
    });
  // The detractors first: their cases opened and worked before any consumer reads the stream.
  const detractor = (job: Job) => job.kind === 'invite' && (job.invite.answer?.score ?? 10) <= 6;
  await mapLimit(jobs.filter(detractor), WRITE_CONCURRENCY, write);
  afterCases();
  // Then the rest, the invite sender kept off them by its lease (the ticker runs now): an invite
  // is listed as unsent from its write until it is marked sent.
  if (
    !(await as('send-invites', () =>
      takeSenderLease(SEED_LEASE, new Date(Date.now() + 15 * 60_000), new Date()),
    ))
  )
    throw new Error('the invite sender is busy: the demo cannot write its invites now');
  try {
    await mapLimit(
      jobs.filter((job) => !detractor(job)),
      WRITE_CONCURRENCY,
      write,
    );
    // Each customer's survey slot: their latest invite, which the next run's fatigue reads.
    const latest = new Map<string, { invitedAt: string; runKey: string }>();
    for (const run of plan.runs) {
      for (const invite of run.invites) {
        const seen = latest.get(invite.customerId);
        if (!seen || seen.invitedAt < invite.sentAt)
          latest.set(invite.customerId, {
            invitedAt: invite.sentAt,
            runKey: `${run.campaignId}/${run.runId}`,
          });
      }
    }
    await mapLimit([...latest], WRITE_CONCURRENCY, async ([customerId, slot]) => {
      const current = await getSurveySlot(customerId);
      if (current && current.invitedAt >= slot.invitedAt) return;
      await as('dispatch-campaign', () => takeSurveySlot(customerId, slot, current));
    });
  } finally {
    await as('send-invites', () => releaseSenderLease(SEED_LEASE));
  }
  return { invites: jobs.filter((j) => j.kind === 'invite').length, answers, cases };
};

/** An owner's move of a case, on its day; one already made (an interrupted seed) is left as it is. */
const moveCase = async (caseId: string, move: PlannedMove) => {
  const current = await getCase(caseId);
  if (!current || CASE_ORDER[current.status] >= CASE_ORDER[move.status]) return;
  await as('admin-api', () =>
    updateCase(caseId, { status: move.status, note: move.note, outcome: move.outcome }, new Date(move.at)),
  );
};

const emailsTo = (emails: StoredEmail[], address: string) =>
  emails.filter((e) => e.destination.to.some((to) => to.toLowerCase() === address.toLowerCase()));

/** Today's campaign: sent now (once), and answered through the links in its emails. */
const answerLiveCampaign = async (ctx: DemoContext, plan: DemoPlan): Promise<number> => {
  const api = adminApi(ctx);
  const id = plan.live.campaignId;
  const campaign = await api('GET', `/api/campaigns/${id}`);
  if ((campaign.runs as unknown[]).length === 0) await api('POST', `/api/campaigns/${id}/send`);
  await settleLong(ctx);
  const emails = await inbox(ctx);
  const addresses = new Map(plan.customers.map((c) => [c.id, c.email]));
  let answered = 0;
  for (const [customerId, answer] of Object.entries(plan.live.answers)) {
    const address = addresses.get(customerId);
    const link = address
      ? emailsTo(emails, address)
          .map((e) => surveyLinkOf(e))
          .find(Boolean)
      : undefined;
    if (!link) continue;
    const res = await fetch(link, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify(answer),
    });
    if (!res.ok) throw new Error(`demo answer for ${customerId} failed: ${res.status}`);
    answered++;
  }
  await settleLong(ctx);
  return answered;
};

/** Some lost customers say why they left, through the link in their "why did you leave?" email. */
const answerLeaveSurveys = async (ctx: DemoContext, plan: DemoPlan) => {
  const emails = await inbox(ctx);
  const addresses = new Map(plan.customers.map((c) => [c.id, c.email]));
  for (const [customerId, answer] of Object.entries(plan.live.leaveAnswers)) {
    const address = addresses.get(customerId);
    const token = address
      ? emailsTo(emails, address)
          .map((e) => e.body.text?.match(/\/leave\/([^?\s]+)/)?.[1])
          .find(Boolean)
      : undefined;
    if (!token) continue;
    const res = await fetch(`${ctx.url}/leave/${token}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify(answer),
    });
    if (!res.ok) throw new Error(`demo leave answer for ${customerId} failed: ${res.status}`);
  }
};

/** The owners at work on win-back cases: the first one (by customer) contacted, the next given up on. */
const workWinBacks = async (ctx: DemoContext) => {
  const api = adminApi(ctx);
  const cases = ((await api('GET', '/api/winbacks?limit=200')).winBacks ?? []) as Array<{
    lossId: string;
    customerId: string;
    status: string;
  }>;
  const [first, second] = cases.sort((a, b) => a.customerId.localeCompare(b.customerId));
  // Moved already by an earlier, interrupted seed: left as they are.
  if (first?.status === 'open')
    await api('PATCH', `/api/winbacks/${first.lossId}`, {
      status: 'contacted',
      note: 'Called the CFO; they agreed to a review of the renewal terms next week.',
    });
  if (second?.status === 'open')
    await api('PATCH', `/api/winbacks/${second.lossId}`, {
      status: 'not-won',
      note: 'Signed a three-year contract with a competitor; checking in again next year.',
    });
};
