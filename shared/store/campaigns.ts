import { randomBytes } from 'node:crypto';
import { DeleteCommand, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { CampaignInput } from '../api/inputs.ts';
import { getClients } from '../clients.ts';
import { isConditionFailure } from '../errors.ts';
import { conditionalWrite, dueOfKind, mainTable, queryAll } from './db.ts';
import { type Campaign, campaignItem, type Run, runItem } from './schemas.ts';
import { keys, kinds } from './table.ts';

export const DEFAULT_BRAND = 'our company';
export const DEFAULT_FATIGUE_DAYS = 30;

const scheduleKey = (campaignId: string) => ({ pk: `CAMPAIGN#${campaignId}`, sk: 'SCHEDULE' });

export const newCampaignId = (): string => `cmp_${randomBytes(6).toString('hex')}`;

export const putCampaign = async (input: CampaignInput, nextRunAt: Date | undefined, now = new Date()) => {
  const existing = input.id ? await getCampaign(input.id) : undefined;
  const campaign: Campaign = {
    id: input.id ?? newCampaignId(),
    name: input.name,
    audience: input.audience ?? {},
    schedule: input.schedule,
    question: input.question,
    brand: input.brand ?? DEFAULT_BRAND,
    fatigueDays: input.fatigueDays ?? DEFAULT_FATIGUE_DAYS,
    reminderDays: input.reminderDays,
    nextRunAt: nextRunAt?.toISOString(),
    createdAt: existing?.createdAt ?? now.toISOString(),
    updatedAt: now.toISOString(),
  };
  const { ddb } = getClients();
  await ddb.send(
    new PutCommand({
      TableName: mainTable(),
      Item: {
        ...keys.campaign(campaign.id),
        gsi1pk: kinds.campaign,
        gsi1sk: campaign.id,
        kind: 'campaign',
        ...campaign,
      },
    }),
  );
  // The schedule marker is its own item so the due-campaign query is one index range.
  if (nextRunAt) {
    await ddb.send(
      new PutCommand({
        TableName: mainTable(),
        Item: {
          ...scheduleKey(campaign.id),
          gsi1pk: kinds.scheduled,
          gsi1sk: `${nextRunAt.toISOString()}#${campaign.id}`,
          campaignId: campaign.id,
          nextRunAt: nextRunAt.toISOString(),
        },
      }),
    );
  } else {
    await ddb.send(new DeleteCommand({ TableName: mainTable(), Key: scheduleKey(campaign.id) }));
  }
  return campaign;
};

export const getCampaign = async (id: string): Promise<Campaign | undefined> => {
  const out = await getClients().ddb.send(new GetCommand({ TableName: mainTable(), Key: keys.campaign(id) }));
  return out.Item ? campaignItem.parse(out.Item) : undefined;
};

export interface DueSchedule {
  campaignId: string;
  nextRunAt: string;
}

export const dueSchedules = async (now: Date): Promise<DueSchedule[]> => {
  const items = await dueOfKind(kinds.scheduled, now);
  return items.map((i) => ({ campaignId: String(i.campaignId), nextRunAt: String(i.nextRunAt) }));
};

/**
 * Moves a schedule from the run it just claimed to the next one (or ends it). Conditional on the
 * claimed time, so two overlapping ticks cannot both claim the same run.
 */
export const advanceSchedule = async (campaignId: string, claimed: string, next: Date | undefined) => {
  const { ddb } = getClients();
  return conditionalWrite(async () => {
    if (next) {
      await ddb.send(
        new UpdateCommand({
          TableName: mainTable(),
          Key: scheduleKey(campaignId),
          UpdateExpression: 'SET nextRunAt = :next, gsi1sk = :sk',
          ConditionExpression: 'nextRunAt = :claimed',
          ExpressionAttributeValues: {
            ':next': next.toISOString(),
            ':sk': `${next.toISOString()}#${campaignId}`,
            ':claimed': claimed,
          },
        }),
      );
    } else {
      await ddb.send(
        new DeleteCommand({
          TableName: mainTable(),
          Key: scheduleKey(campaignId),
          ConditionExpression: 'nextRunAt = :claimed',
          ExpressionAttributeValues: { ':claimed': claimed },
        }),
      );
    }
    await ddb.send(
      new UpdateCommand({
        TableName: mainTable(),
        Key: keys.campaign(campaignId),
        UpdateExpression: next ? 'SET nextRunAt = :next' : 'REMOVE nextRunAt',
        ExpressionAttributeValues: next ? { ':next': next.toISOString() } : undefined,
      }),
    );
  });
};

export const newRunId = (now = new Date()): string =>
  `run_${now.toISOString().replace(/[-:.]/g, '').slice(0, 15)}_${randomBytes(3).toString('hex')}`;

export const scheduledRunId = (at: string): string => `sch_${at.replace(/[-:.]/g, '').slice(0, 15)}`;

/** Creates the run once; a second call with the same id changes nothing and returns false. */
export const createRun = async (run: Pick<Run, 'campaignId' | 'runId' | 'trigger'>, now = new Date()) => {
  return conditionalWrite(async () => {
    await getClients().ddb.send(
      new PutCommand({
        TableName: mainTable(),
        Item: {
          ...keys.run(run.campaignId, run.runId),
          kind: 'run',
          ...run,
          status: 'pending',
          createdAt: now.toISOString(),
          invited: 0,
          sent: 0,
          skipped: 0,
          // Listed as open until it completes; the sweep restarts it if it has not started by then.
          gsi1pk: kinds.openRun,
          gsi1sk: `${new Date(now.getTime() + RUN_START_GRACE_MS).toISOString()}#${run.campaignId}#${run.runId}`,
        },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
  });
};

export const getRun = async (campaignId: string, runId: string): Promise<Run | undefined> => {
  const out = await getClients().ddb.send(
    new GetCommand({ TableName: mainTable(), Key: keys.run(campaignId, runId), ConsistentRead: true }),
  );
  return out.Item ? runItem.parse(out.Item) : undefined;
};

export const listRuns = async (campaignId: string): Promise<Run[]> => {
  const items = await queryAll({
    TableName: mainTable(),
    KeyConditionExpression: 'pk = :pk AND begins_with(sk, :run)',
    ExpressionAttributeValues: { ':pk': keys.campaign(campaignId).pk, ':run': 'RUN#' },
  });
  return items.map((i) => runItem.parse(i));
};

/** A run not started within this long after it was created is started again by the sweep. */
const RUN_START_GRACE_MS = 120_000;
/** A dispatch cannot outlive Lambda's 15 minutes: a run still open after this is restarted. */
const RUN_DISPATCH_LEASE_MS = 16 * 60_000;

export const markRunDispatching = async (campaignId: string, runId: string, now = new Date()) => {
  await getClients().ddb.send(
    new UpdateCommand({
      TableName: mainTable(),
      Key: keys.run(campaignId, runId),
      UpdateExpression: 'SET #status = :status, gsi1sk = :due',
      ConditionExpression: 'attribute_exists(pk) AND attribute_exists(gsi1pk)',
      ExpressionAttributeNames: { '#status': 'status' },
      ExpressionAttributeValues: {
        ':status': 'dispatching',
        ':due': `${new Date(now.getTime() + RUN_DISPATCH_LEASE_MS).toISOString()}#${campaignId}#${runId}`,
      },
    }),
  );
};

/**
 * Runs that should have finished by now (never started, or their dispatch died): each is claimed
 * for another dispatch lease, conditionally, so overlapping sweeps restart it once.
 */
export const claimStalledRuns = async (
  now: Date,
  limit = 20,
): Promise<Array<{ campaignId: string; runId: string }>> => {
  const due = await dueOfKind(kinds.openRun, now, limit);
  const claimed: Array<{ campaignId: string; runId: string }> = [];
  for (const item of due) {
    const { campaignId, runId } = runItem.parse(item);
    try {
      await getClients().ddb.send(
        new UpdateCommand({
          TableName: mainTable(),
          Key: keys.run(campaignId, runId),
          UpdateExpression: 'SET gsi1sk = :due',
          ConditionExpression: 'gsi1sk = :seen',
          ExpressionAttributeValues: {
            ':due': `${new Date(now.getTime() + RUN_DISPATCH_LEASE_MS).toISOString()}#${campaignId}#${runId}`,
            ':seen': item.gsi1sk,
          },
        }),
      );
      claimed.push({ campaignId, runId });
    } catch (err: unknown) {
      if (!isConditionFailure(err)) throw err;
    }
  }
  return claimed;
};

/** Totals are set, not added: a re-run of the dispatch recounts them from the invites themselves. */
export const completeRun = async (
  campaignId: string,
  runId: string,
  totals: { invited: number; sent: number; skipped: number },
  now = new Date(),
) => {
  await getClients().ddb.send(
    new UpdateCommand({
      TableName: mainTable(),
      Key: keys.run(campaignId, runId),
      UpdateExpression:
        'SET #status = :sent, invited = :i, sent = :s, skipped = :k, completedAt = :now REMOVE gsi1pk, gsi1sk',
      ExpressionAttributeNames: { '#status': 'status' },
      ExpressionAttributeValues: {
        ':sent': 'sent',
        ':i': totals.invited,
        ':s': totals.sent,
        ':k': totals.skipped,
        ':now': now.toISOString(),
      },
    }),
  );
};
