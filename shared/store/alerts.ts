import { randomUUID } from 'node:crypto';
import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { getClients } from '../clients.ts';
import { config } from '../config.ts';
import { ConflictError, isConditionFailure, NotFoundError } from '../errors.ts';
import { conditionalWrite, mainTable, type Page, type PageRequest, queryAll, queryPage } from './db.ts';
import { alertModel, expiresAfter } from './model.ts';
import { type Alert, alertItem } from './schemas.ts';

/**
 * The Put of a new alert, for use inside the transaction that also writes its case. With
 * `replacePending`, it may also replace an alert of that id that is still waiting for its first
 * attempt (a debounced update taking in a later change); never one already being delivered.
 */
export const newAlertPut = (
  customerId: string,
  alert: Alert,
  options: { replacePending?: boolean } = {},
) => ({
  Put: {
    TableName: mainTable(),
    Item: {
      ...alertModel.key(alert.alertId),
      kind: alertModel.kind,
      ...alertModel.pending(alert.nextAttemptAt ?? alert.createdAt, alert.alertId),
      ...alertModel.ofCustomer(customerId, alert.createdAt, alert.alertId),
      // Kept for the dashboard and audits, then deleted by DynamoDB TTL (its payload names the customer).
      ...expiresAfter(new Date(Date.parse(alert.createdAt) + config().ALERT_RETENTION_DAYS * 86_400_000)),
      ...alert,
    },
    ...(options.replacePending
      ? {
          ConditionExpression:
            'attribute_not_exists(pk) OR (#status = :pending AND attempts = :none AND attribute_not_exists(leaseUntil))',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':pending': 'pending', ':none': 0 },
        }
      : { ConditionExpression: 'attribute_not_exists(pk)' }),
  },
});

export const getAlert = async (alertId: string): Promise<Alert | undefined> => {
  const out = await getClients().ddb.send(
    new GetCommand({ TableName: mainTable(), Key: alertModel.key(alertId), ConsistentRead: true }),
  );
  return out.Item ? alertItem.parse(out.Item) : undefined;
};

/**
 * Takes the delivery lease: only one deliverer at a time may post a given alert, so a sweep
 * overlapping an inline attempt cannot send it twice. Returns the alert with attempts counted.
 */
export const leaseAlert = async (alertId: string, now: Date, leaseMs: number): Promise<Alert | undefined> => {
  try {
    const out = await getClients().ddb.send(
      new UpdateCommand({
        TableName: mainTable(),
        Key: alertModel.key(alertId),
        UpdateExpression: 'SET leaseUntil = :until, leaseId = :lease, attempts = attempts + :one',
        ConditionExpression:
          '#status = :pending AND nextAttemptAt <= :now AND (attribute_not_exists(leaseUntil) OR leaseUntil < :now)',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: {
          ':until': new Date(now.getTime() + leaseMs).toISOString(),
          ':lease': randomUUID(),
          ':one': 1,
          ':pending': 'pending',
          ':now': now.toISOString(),
        },
        ReturnValues: 'ALL_NEW',
      }),
    );
    return alertItem.parse(out.Attributes);
  } catch (err: unknown) {
    if (isConditionFailure(err)) return undefined;
    throw err;
  }
};

/**
 * A delivery is a fact whoever made it, so it is recorded even if the deliverer's lease ran out
 * meanwhile — but never onto an alert that erasure deleted (an update would re-create it).
 */
export const markAlertDelivered = async (alertId: string, statusCode: number, now: Date) => {
  await conditionalWrite(() =>
    getClients().ddb.send(
      new UpdateCommand({
        TableName: mainTable(),
        Key: alertModel.key(alertId),
        UpdateExpression:
          'SET #status = :delivered, deliveredAt = :now, lastStatusCode = :code REMOVE leaseUntil, leaseId, gsi1pk, gsi1sk, lastError',
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: {
          ':delivered': 'delivered',
          ':now': now.toISOString(),
          ':code': statusCode,
        },
      }),
    ),
  );
};

/**
 * A failed attempt schedules the next one (or gives up) only while its lease is still the alert's:
 * a deliverer that outlived its lease must not re-queue, or kill, an alert that another attempt
 * has since taken over or delivered. Returns false when it no longer held the lease.
 */
export const markAlertFailed = async (
  alert: Alert,
  failure: { error: string; statusCode?: number | undefined },
  next: Date | undefined,
): Promise<boolean> => {
  const dead = next === undefined;
  const listed = dead
    ? alertModel.dead(new Date().toISOString(), alert.alertId)
    : alertModel.pending(next.toISOString(), alert.alertId);
  return conditionalWrite(() =>
    getClients().ddb.send(
      new UpdateCommand({
        TableName: mainTable(),
        Key: alertModel.key(alert.alertId),
        UpdateExpression: dead
          ? 'SET #status = :dead, lastError = :err, lastStatusCode = :code, gsi1pk = :deadKind, gsi1sk = :sort REMOVE leaseUntil, leaseId, nextAttemptAt'
          : 'SET lastError = :err, lastStatusCode = :code, nextAttemptAt = :next, gsi1sk = :sort REMOVE leaseUntil, leaseId',
        ConditionExpression: 'leaseId = :lease AND #status = :pending',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: {
          ':lease': alert.leaseId ?? '',
          ':pending': 'pending',
          ':err': failure.error.slice(0, 1024),
          ':code': failure.statusCode ?? 0,
          ':sort': listed.gsi1sk,
          ...(dead ? { ':dead': 'dead', ':deadKind': listed.gsi1pk } : { ':next': next.toISOString() }),
        },
      }),
    ),
  );
};

/** Puts a dead (or stuck) alert back in the queue with a fresh set of attempts. */
export const resetAlertForRedelivery = async (alertId: string, now = new Date()): Promise<Alert> => {
  const listed = alertModel.pending(now.toISOString(), alertId);
  try {
    const out = await getClients().ddb.send(
      new UpdateCommand({
        TableName: mainTable(),
        Key: alertModel.key(alertId),
        UpdateExpression:
          'SET #status = :pending, attempts = :zero, nextAttemptAt = :now, gsi1pk = :kind, gsi1sk = :sort, redrivenAt = :now REMOVE leaseUntil, leaseId',
        ConditionExpression: 'attribute_exists(pk) AND #status <> :delivered',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: {
          ':pending': 'pending',
          ':zero': 0,
          ':now': now.toISOString(),
          ':kind': listed.gsi1pk,
          ':sort': listed.gsi1sk,
          ':delivered': 'delivered',
        },
        ReturnValues: 'ALL_NEW',
      }),
    );
    return alertItem.parse(out.Attributes);
  } catch (err: unknown) {
    if (!isConditionFailure(err)) throw err;
    const existing = await getAlert(alertId);
    if (!existing) throw new NotFoundError(`alert ${alertId} does not exist`);
    throw new ConflictError('this alert was already delivered', 'already_delivered');
  }
};

/** Alerts whose next attempt is due, oldest first. */
export const dueAlerts = async (now: Date, limit = 100): Promise<Alert[]> => {
  const items = await queryAll(alertModel.due(now, limit));
  return items.map((i) => alertItem.parse(i));
};

/** Alerts given up on, newest first, a page at a time. */
export const deadAlerts = async (page: PageRequest): Promise<Page<Alert>> => {
  const found = await queryPage([alertModel.allDead()], page);
  return { items: found.items.map((i) => alertItem.parse(i)), cursor: found.cursor };
};
