import { DeleteCommand, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { getClients } from '../clients.ts';
import { conditionalWrite, mainTable, type Page, type PageRequest, queryAll, queryPage } from './db.ts';
import { campaignModel, runModel, scheduleModel } from './model.ts';
import { type Campaign, campaignItem, type Run, runItem } from './schemas.ts';

/** Saves the campaign and its schedule marker (or removes the marker when nothing is scheduled). */
export const putCampaign = async (campaign: Campaign): Promise<void> => {
  const { ddb } = getClients();
  await ddb.send(
    new PutCommand({
      TableName: mainTable(),
      Item: {
        ...campaignModel.key(campaign.id),
        ...campaignModel.listed(campaign.id),
        kind: campaignModel.kind,
        ...campaign,
      },
    }),
  );
  const scheduleKey = scheduleModel.key(campaign.id);
  if (campaign.nextRunAt) {
    await ddb.send(
      new PutCommand({
        TableName: mainTable(),
        Item: {
          ...scheduleKey,
          ...scheduleModel.due(campaign.nextRunAt, campaign.id),
          campaignId: campaign.id,
          nextRunAt: campaign.nextRunAt,
        },
      }),
    );
  } else {
    await ddb.send(new DeleteCommand({ TableName: mainTable(), Key: scheduleKey }));
  }
};

export const getCampaign = async (id: string): Promise<Campaign | undefined> => {
  const out = await getClients().ddb.send(
    new GetCommand({ TableName: mainTable(), Key: campaignModel.key(id) }),
  );
  return out.Item ? campaignItem.parse(out.Item) : undefined;
};

/** Every campaign, in id order, a page at a time. */
export const listCampaigns = async (page: PageRequest): Promise<Page<Campaign>> => {
  const found = await queryPage([campaignModel.all()], page);
  return { items: found.items.map((i) => campaignItem.parse(i)), cursor: found.cursor };
};

export interface DueSchedule {
  campaignId: string;
  nextRunAt: string;
}

export const dueSchedules = async (now: Date): Promise<DueSchedule[]> => {
  const items = await queryAll(scheduleModel.dueBy(now));
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
          Key: scheduleModel.key(campaignId),
          UpdateExpression: 'SET nextRunAt = :next, gsi1sk = :sk',
          ConditionExpression: 'nextRunAt = :claimed',
          ExpressionAttributeValues: {
            ':next': next.toISOString(),
            ':sk': scheduleModel.due(next.toISOString(), campaignId).gsi1sk,
            ':claimed': claimed,
          },
        }),
      );
    } else {
      await ddb.send(
        new DeleteCommand({
          TableName: mainTable(),
          Key: scheduleModel.key(campaignId),
          ConditionExpression: 'nextRunAt = :claimed',
          ExpressionAttributeValues: { ':claimed': claimed },
        }),
      );
    }
    await ddb.send(
      new UpdateCommand({
        TableName: mainTable(),
        Key: campaignModel.key(campaignId),
        UpdateExpression: next ? 'SET nextRunAt = :next' : 'REMOVE nextRunAt',
        ExpressionAttributeValues: next ? { ':next': next.toISOString() } : undefined,
      }),
    );
  });
};

/**
 * Creates the run once, listed as open until it completes: the sweep restarts it at `restartAt`
 * if it has not started by then. A second call with the same id changes nothing and returns false.
 */
export const createRun = async (
  run: Pick<Run, 'campaignId' | 'runId' | 'trigger'>,
  restartAt: Date,
  now = new Date(),
) =>
  conditionalWrite(() =>
    getClients().ddb.send(
      new PutCommand({
        TableName: mainTable(),
        Item: {
          ...runModel.key(run.campaignId, run.runId),
          kind: runModel.kind,
          ...run,
          status: 'pending',
          createdAt: now.toISOString(),
          invited: 0,
          sent: 0,
          skipped: 0,
          ...runModel.open(restartAt, run.campaignId, run.runId),
        },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    ),
  );

export const getRun = async (campaignId: string, runId: string): Promise<Run | undefined> => {
  const out = await getClients().ddb.send(
    new GetCommand({ TableName: mainTable(), Key: runModel.key(campaignId, runId), ConsistentRead: true }),
  );
  return out.Item ? runItem.parse(out.Item) : undefined;
};

/** A campaign's runs, in run id order, a page at a time. */
export const listRuns = async (campaignId: string, page: PageRequest): Promise<Page<Run>> => {
  const found = await queryPage([runModel.ofCampaign(campaignId)], page);
  return { items: found.items.map((i) => runItem.parse(i)), cursor: found.cursor };
};

/** The run is being dispatched; restarted at `restartAt` if it is still open then. */
export const markRunDispatching = async (campaignId: string, runId: string, restartAt: Date) => {
  await getClients().ddb.send(
    new UpdateCommand({
      TableName: mainTable(),
      Key: runModel.key(campaignId, runId),
      UpdateExpression: 'SET #status = :status, gsi1sk = :due',
      ConditionExpression: 'attribute_exists(pk) AND attribute_exists(gsi1pk)',
      ExpressionAttributeNames: { '#status': 'status' },
      ExpressionAttributeValues: {
        ':status': 'dispatching',
        ':due': runModel.open(restartAt, campaignId, runId).gsi1sk,
      },
    }),
  );
};

/**
 * Runs whose restart time has come (never started, or their dispatch died): each is claimed until
 * `restartAt`, conditionally, so overlapping sweeps restart it once.
 */
export const claimStalledRuns = async (
  now: Date,
  restartAt: Date,
  limit = 20,
): Promise<Array<{ campaignId: string; runId: string }>> => {
  const due = await queryAll(runModel.openDue(now, limit));
  const claimed: Array<{ campaignId: string; runId: string }> = [];
  for (const item of due) {
    const { campaignId, runId } = runItem.parse(item);
    const took = await conditionalWrite(() =>
      getClients().ddb.send(
        new UpdateCommand({
          TableName: mainTable(),
          Key: runModel.key(campaignId, runId),
          UpdateExpression: 'SET gsi1sk = :due',
          ConditionExpression: 'gsi1sk = :seen',
          ExpressionAttributeValues: {
            ':due': runModel.open(restartAt, campaignId, runId).gsi1sk,
            ':seen': item.gsi1sk,
          },
        }),
      ),
    );
    if (took) claimed.push({ campaignId, runId });
  }
  return claimed;
};

/** The dispatch has been through the whole audience: the run leaves the open-run listing. */
export const completeRun = async (campaignId: string, runId: string, now = new Date()) => {
  await getClients().ddb.send(
    new UpdateCommand({
      TableName: mainTable(),
      Key: runModel.key(campaignId, runId),
      UpdateExpression: 'SET #status = :sent, completedAt = :now REMOVE gsi1pk, gsi1sk',
      ExpressionAttributeNames: { '#status': 'status' },
      ExpressionAttributeValues: { ':sent': 'sent', ':now': now.toISOString() },
    }),
  );
};

/**
 * How far the dispatch has come through the audience (the last customer id it finished): a
 * dispatch started again — after its time ran out, or after it died — goes on from there.
 */
export const saveRunPosition = async (campaignId: string, runId: string, afterCustomerId: string) => {
  await getClients().ddb.send(
    new UpdateCommand({
      TableName: mainTable(),
      Key: runModel.key(campaignId, runId),
      UpdateExpression: 'SET resumeAfter = :after',
      ConditionExpression: 'attribute_exists(pk)',
      ExpressionAttributeValues: { ':after': afterCustomerId },
    }),
  );
};

/** The run stops sending, with why; once (a second pause of a paused run changes nothing). */
export const pauseRun = async (campaignId: string, runId: string, reason: string, at: Date) =>
  conditionalWrite(() =>
    getClients().ddb.send(
      new UpdateCommand({
        TableName: mainTable(),
        Key: runModel.key(campaignId, runId),
        UpdateExpression: 'SET pausedAt = :at, pausedReason = :why',
        ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(pausedAt)',
        ExpressionAttributeValues: { ':at': at.toISOString(), ':why': reason },
      }),
    ),
  );

/** A paused run sends again; false if it was not paused. */
export const resumeRun = async (campaignId: string, runId: string, at: Date) =>
  conditionalWrite(() =>
    getClients().ddb.send(
      new UpdateCommand({
        TableName: mainTable(),
        Key: runModel.key(campaignId, runId),
        UpdateExpression: 'SET resumedAt = :at REMOVE pausedAt, pausedReason',
        ConditionExpression: 'attribute_exists(pausedAt)',
        ExpressionAttributeValues: { ':at': at.toISOString() },
      }),
    ),
  );
