import { readFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { campaignInput, problemOf } from '#shared/api/inputs';
import {
  type CampaignAnswer,
  campaignsPage,
  campaignWithRuns,
  checkAnswer,
  type RunAnswer,
  type RunProgressAnswer,
  runStatusAnswer,
} from '../answers.ts';
import { CliError, fileError } from '../errors.ts';
import type { ApiClient } from '../http.ts';
import { type Output, println, progress } from '../output.ts';
import { formatTable } from '../table.ts';

const PAGE = 200;
const path = (...parts: string[]) => parts.map(encodeURIComponent).join('/');

// --- create ---------------------------------------------------------------------------------------

export interface CreateOptions {
  file?: string;
  id?: string;
  name?: string;
  brand?: string;
  question?: string;
  schedule?: string;
  timezone?: string;
  audience?: string[];
  fatigueDays?: number;
  reminderDays?: number;
}

/**
 * A schedule in the forms the API takes (shared/campaigns/schedule.ts), its type read off its
 * form: `rate(7 days)`, a date-time `2026-12-01T09:00` (or `at(…)`) for once, else cron
 * (`0 9 * * 1` or `cron(0 9 ? * MON *)`).
 */
export const scheduleOf = (expression: string, timezone?: string) => {
  const text = expression.trim();
  const type = /^rate\(/.test(text) ? 'rate' : /^(at\()?\d{4}-\d{2}-\d{2}T/.test(text) ? 'once' : 'cron';
  return { type, expression: text, ...(timezone ? { timezone } : {}) };
};

/**
 * `--audience tier=key`, `--audience region=emea,apac` (one of), `--audience status!=churned`
 * (none of): the API's audience object, one entry per attribute.
 */
export const audienceOf = (entries: readonly string[]): Record<string, unknown> => {
  const audience: Record<string, unknown> = {};
  for (const entry of entries) {
    const m = /^([^=!]+)(!?=)(.+)$/.exec(entry.trim());
    if (!m?.[1] || !m[2] || !m[3]) {
      throw new CliError(`--audience takes attr=value, attr=a,b or attr!=value, got "${entry}"`);
    }
    const name = m[1].trim();
    if (name in audience)
      throw new CliError(`--audience names ${name} twice; give its values as ${name}=a,b`);
    const values = m[3].split(',').map((v) => v.trim());
    const value = values.length === 1 ? values[0] : values;
    audience[name] = m[2] === '!=' ? { not: value } : value;
  }
  return audience;
};

const readCampaignFile = async (file: string): Promise<Record<string, unknown>> => {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err: unknown) {
    throw fileError('read', file, err);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err: unknown) {
    throw new CliError(`${file} is not JSON: ${err instanceof Error ? err.message : String(err)}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new CliError(`${file} must hold one campaign: a JSON object such as {"id": "q4", "name": "Q4"}`);
  }
  return parsed as Record<string, unknown>;
};

/** The campaign from --file, with each flag given over it. */
export const campaignBody = async (options: CreateOptions): Promise<Record<string, unknown>> => {
  const body = options.file ? await readCampaignFile(options.file) : {};
  const flags: Record<string, unknown> = {
    id: options.id,
    name: options.name,
    brand: options.brand,
    question: options.question,
    schedule: options.schedule ? scheduleOf(options.schedule, options.timezone) : undefined,
    audience: options.audience?.length ? audienceOf(options.audience) : undefined,
    fatigueDays: options.fatigueDays,
    reminderDays: options.reminderDays,
  };
  for (const [name, value] of Object.entries(flags)) if (value !== undefined) body[name] = value;
  if (options.timezone && !options.schedule) {
    if (typeof body.schedule !== 'object' || body.schedule === null) {
      throw new CliError('--timezone goes with a schedule: add --schedule');
    }
    body.schedule = { ...(body.schedule as object), timezone: options.timezone };
  }
  return body;
};

export const createCampaign = async (options: CreateOptions, api: () => ApiClient, out: Output) => {
  const body = await campaignBody(options);
  if (body.name === undefined) throw new CliError('a campaign needs a name: --name, or "name" in --file');
  // The API's own rules first, so a typo is told before anything is sent.
  const checked = campaignInput.safeParse(body);
  if (!checked.success) throw new CliError(`the campaign is not valid: ${problemOf(checked.error)}`);
  const saved = await api().post<{ id: string; nextRunAt: string | null }>('/api/campaigns', body);
  println(
    out,
    saved.nextRunAt
      ? `campaign ${saved.id} saved; its next run is at ${saved.nextRunAt}`
      : `campaign ${saved.id} saved, with no schedule: send it with \`nps campaigns send ${saved.id}\``,
  );
};

// --- list -----------------------------------------------------------------------------------------

const audienceText = (audience: Record<string, unknown>): string => {
  const entries = Object.entries(audience);
  if (entries.length === 0) return 'everyone';
  return entries
    .map(([name, value]) => {
      const list = (v: unknown) => (Array.isArray(v) ? v.join(',') : String(v));
      if (typeof value === 'object' && value !== null && !Array.isArray(value) && 'not' in value) {
        return `${name}!=${list((value as { not: unknown }).not)}`;
      }
      return `${name}=${list(value)}`;
    })
    .join(' ');
};

const scheduleText = (c: CampaignAnswer) =>
  c.schedule ? `${c.schedule.expression}${c.schedule.timezone ? ` (${c.schedule.timezone})` : ''}` : '—';

export const campaignTable = (campaigns: readonly CampaignAnswer[]): string[] =>
  formatTable(
    [
      { header: 'id' },
      { header: 'name' },
      { header: 'brand' },
      { header: 'audience' },
      { header: 'schedule' },
      { header: 'next run' },
    ],
    campaigns.map((c) => [
      c.id,
      c.name,
      c.brand,
      audienceText(c.audience),
      scheduleText(c),
      c.nextRunAt ?? '—',
    ]),
  );

export const listCampaigns = async (options: { json?: boolean }, api: () => ApiClient, out: Output) => {
  const client = api();
  const campaigns: CampaignAnswer[] = [];
  // As the API sent them, for --json: every field, not only those the table shows.
  const raw: unknown[] = [];
  let cursor: string | undefined;
  do {
    const body = await client.get<{ campaigns?: unknown[] }>('/api/campaigns', { limit: PAGE, cursor });
    const page = checkAnswer(campaignsPage, body, 'GET /api/campaigns');
    campaigns.push(...page.campaigns);
    raw.push(...(body.campaigns ?? []));
    cursor = page.cursor ?? undefined;
  } while (cursor);
  if (options.json) {
    println(out, JSON.stringify(raw, null, 2));
    return;
  }
  if (campaigns.length === 0) {
    println(out, 'no campaigns yet: create one with `nps campaigns create --name …`');
    return;
  }
  for (const line of campaignTable(campaigns)) println(out, line);
};

// --- send and status ------------------------------------------------------------------------------

const reasonsText = (reasons: Record<string, number>) =>
  Object.entries(reasons)
    .map(([reason, n]) => `${reason} ${n}`)
    .join(', ');

/** Where a run's recipients stand, in one line. */
export const progressLine = (p: RunProgressAnswer): string => {
  const parts = [
    `${p.sent} sent`,
    `${p.suppressed} suppressed`,
    `${p.failed} failed`,
    ...(p.queued ? [`${p.queued} queued`] : []),
    ...(p.deferred ? [`${p.deferred} deferred`] : []),
  ];
  const reasons = reasonsText(p.reasons);
  return `${p.recipients} recipient${p.recipients === 1 ? '' : 's'}: ${parts.join(', ')}${reasons ? ` (${reasons})` : ''}`;
};

const runPath = (campaignId: string, runId: string) =>
  `/api/campaigns/${path(campaignId)}/runs/${path(runId)}`;

/** How long `send` waits between two looks at its run. */
const POLL_MS = 1000;

export interface SendOptions {
  wait: boolean;
  /** Seconds to wait for the run to settle; none: until it does. */
  timeout?: number;
}

/**
 * Starts a run and, unless told not to, follows it until nobody of it is waiting any more. It stops
 * earlier, saying why, when the run is paused (its complaint or bounce rate) or when everyone left
 * waits for their send window, which may be hours away.
 */
export const sendCampaign = async (id: string, options: SendOptions, api: () => ApiClient, out: Output) => {
  const client = api();
  const { runId } = await client.post<{ runId: string }>(`/api/campaigns/${path(id)}/send`);
  println(out, `run ${runId} of campaign ${id} started`);
  if (!options.wait) {
    println(out, `follow it with \`nps campaigns status ${id} ${runId}\``);
    return;
  }
  const deadline = options.timeout === undefined ? undefined : Date.now() + options.timeout * 1000;
  const bar = progress(out, `run ${runId}`, 'recipients settled');
  let run: RunAnswer;
  try {
    for (;;) {
      run = checkAnswer(
        runStatusAnswer,
        await client.get(runPath(id, runId), { limit: 1 }),
        `GET ${runPath(id, runId)}`,
      );
      const p = run.progress;
      const settled = p.sent + p.suppressed + p.failed;
      bar.update(settled, Math.max(p.recipients, settled), run.status === 'sent' ? undefined : 'dispatching');
      if (p.settled || run.pausedReason) break;
      if (run.status === 'sent' && p.queued === 0 && p.deferred > 0) break;
      if (deadline !== undefined && Date.now() >= deadline) {
        throw new CliError(
          `run ${runId} is still sending after ${options.timeout} s (${progressLine(p)}); follow it with \`nps campaigns status ${id} ${runId}\``,
        );
      }
      await sleep(POLL_MS);
    }
  } finally {
    bar.stop();
  }
  if (run.pausedReason) {
    throw new CliError(
      `run ${runId} paused: ${run.pausedReason} (${progressLine(run.progress)}); resume it with POST ${runPath(id, runId)}/resume`,
    );
  }
  if (!run.progress.settled) {
    println(
      out,
      `run ${runId}: ${progressLine(run.progress)} — the deferred wait for their send window; follow it with \`nps campaigns status ${id} ${runId}\``,
    );
    return;
  }
  println(out, `run ${runId} settled: ${progressLine(run.progress)}`);
};

export const runTable = (runs: readonly RunAnswer[]): string[] =>
  formatTable(
    [
      { header: 'run' },
      { header: 'trigger' },
      { header: 'status' },
      { header: 'created' },
      { header: 'recipients', align: 'right' },
      { header: 'sent', align: 'right' },
      { header: 'suppressed', align: 'right' },
      { header: 'failed', align: 'right' },
      { header: 'waiting', align: 'right' },
      { header: 'settled' },
    ],
    runs.map((r) => [
      r.runId,
      r.trigger,
      r.pausedReason ? 'paused' : r.status,
      r.createdAt,
      String(r.progress.recipients),
      String(r.progress.sent),
      String(r.progress.suppressed),
      String(r.progress.failed),
      String(r.progress.queued + r.progress.deferred),
      r.progress.settled ? 'yes' : 'no',
    ]),
  );

/** `nps campaigns status <id> [runId]`: the campaign and its runs, or one run in detail. */
export const campaignStatus = async (
  id: string,
  runId: string | undefined,
  options: { json?: boolean },
  api: () => ApiClient,
  out: Output,
) => {
  const client = api();
  if (runId !== undefined) {
    const body = await client.get(runPath(id, runId), { limit: PAGE });
    const run = checkAnswer(runStatusAnswer, body, `GET ${runPath(id, runId)}`);
    if (options.json) {
      println(out, JSON.stringify(body, null, 2));
      return;
    }
    println(out, `run ${run.runId} of campaign ${run.campaignId} (${run.trigger}, created ${run.createdAt})`);
    println(out, `status     ${run.pausedReason ? `paused: ${run.pausedReason}` : run.status}`);
    println(out, `progress   ${progressLine(run.progress)}`);
    println(out, `settled    ${run.progress.settled ? 'yes' : 'no'}`);
    if (run.progress.complaints || run.progress.hardBounces) {
      println(
        out,
        `feedback   ${run.progress.complaints} complaints, ${run.progress.hardBounces} hard bounces`,
      );
    }
    if (run.skippedRecipients.length > 0) {
      println(out);
      println(out, 'recipients who got no email:');
      for (const line of formatTable(
        [{ header: 'customer' }, { header: 'why' }],
        run.skippedRecipients.map((r) => [r.customerId, r.reason]),
      )) {
        println(out, `  ${line}`);
      }
      if (run.cursor) println(out, `  … and more (GET ${runPath(id, runId)}?cursor=…)`);
    }
    return;
  }
  let campaign: CampaignAnswer | undefined;
  let raw: Record<string, unknown> = {};
  const runs: RunAnswer[] = [];
  const rawRuns: unknown[] = [];
  let cursor: string | undefined;
  do {
    const body = await client.get<Record<string, unknown>>(`/api/campaigns/${path(id)}`, {
      limit: PAGE,
      cursor,
    });
    const page = checkAnswer(campaignWithRuns, body, `GET /api/campaigns/${id}`);
    if (!campaign) [campaign, raw] = [page, body];
    runs.push(...page.runs);
    rawRuns.push(...(body.runs as unknown[]));
    cursor = page.cursor ?? undefined;
  } while (cursor);
  if (!campaign) throw new CliError(`campaign ${id} not found`);
  const found = campaign;
  if (options.json) {
    println(out, JSON.stringify({ ...raw, runs: rawRuns, cursor: null }, null, 2));
    return;
  }
  println(out, `campaign ${found.id}: ${found.name}`);
  println(out, `brand      ${found.brand}`);
  if (found.question) println(out, `question   ${found.question}`);
  println(out, `audience   ${audienceText(found.audience)}`);
  println(out, `schedule   ${scheduleText(found)}${found.nextRunAt ? `, next run ${found.nextRunAt}` : ''}`);
  println(
    out,
    `fatigue    ${found.fatigueDays} days${found.reminderDays ? `, reminder after ${found.reminderDays} days` : ''}`,
  );
  println(out);
  if (runs.length === 0) {
    println(out, `no runs yet: send it with \`nps campaigns send ${found.id}\``);
    return;
  }
  for (const line of runTable(runs)) println(out, line);
};
