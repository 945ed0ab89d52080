import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { getClients } from '../clients.ts';
import { ConflictError, isConditionFailure, NotFoundError } from '../errors.ts';
import { allOfKind, dueOfKind, mainTable } from './db.ts';
import { type Alert, alertItem } from './schemas.ts';
import { customerGsi2, keys, kinds } from './table.ts';

/** The Put of a new alert, for use inside the transaction that also writes its case. */
export const newAlertPut = (customerId: string, alert: Alert) => ({
  Put: {
    TableName: mainTable(),
    Item: {
      ...keys.alert(alert.alertId),
      kind: 'alert',
      gsi1pk: kinds.pendingAlert,
      gsi1sk: `${alert.nextAttemptAt}#${alert.alertId}`,
      // Listed under the customer so that erasure finds the personal data in the payload.
      gsi2pk: customerGsi2(customerId),
      gsi2sk: `ALERT#${alert.createdAt}#${alert.alertId}`,
      ...alert,
    },
    ConditionExpression: 'attribute_not_exists(pk)',
  },
});

export const getAlert = async (alertId: string): Promise<Alert | undefined> => {
  const out = await getClients().ddb.send(
    new GetCommand({ TableName: mainTable(), Key: keys.alert(alertId), ConsistentRead: true }),
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
        Key: keys.alert(alertId),
        UpdateExpression: 'SET leaseUntil = :until, attempts = attempts + :one',
        ConditionExpression:
          '#status = :pending AND nextAttemptAt <= :now AND (attribute_not_exists(leaseUntil) OR leaseUntil < :now)',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: {
          ':until': new Date(now.getTime() + leaseMs).toISOString(),
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

export const markAlertDelivered = async (alertId: string, statusCode: number, now: Date) => {
  await getClients().ddb.send(
    new UpdateCommand({
      TableName: mainTable(),
      Key: keys.alert(alertId),
      UpdateExpression:
        'SET #status = :delivered, deliveredAt = :now, lastStatusCode = :code REMOVE leaseUntil, gsi1pk, gsi1sk, lastError',
      ExpressionAttributeNames: { '#status': 'status' },
      ExpressionAttributeValues: {
        ':delivered': 'delivered',
        ':now': now.toISOString(),
        ':code': statusCode,
      },
    }),
  );
};

export const markAlertFailed = async (
  alert: Alert,
  failure: { error: string; statusCode?: number | undefined },
  next: Date | undefined,
) => {
  const dead = next === undefined;
  await getClients().ddb.send(
    new UpdateCommand({
      TableName: mainTable(),
      Key: keys.alert(alert.alertId),
      UpdateExpression: dead
        ? 'SET #status = :dead, lastError = :err, lastStatusCode = :code, gsi1pk = :deadKind, gsi1sk = :sort REMOVE leaseUntil, nextAttemptAt'
        : 'SET lastError = :err, lastStatusCode = :code, nextAttemptAt = :next, gsi1sk = :sort REMOVE leaseUntil',
      ExpressionAttributeNames: dead ? { '#status': 'status' } : undefined,
      ExpressionAttributeValues: dead
        ? {
            ':dead': 'dead',
            ':err': failure.error.slice(0, 1024),
            ':code': failure.statusCode ?? 0,
            ':deadKind': kinds.deadAlert,
            ':sort': `${new Date().toISOString()}#${alert.alertId}`,
          }
        : {
            ':err': failure.error.slice(0, 1024),
            ':code': failure.statusCode ?? 0,
            ':next': next.toISOString(),
            ':sort': `${next.toISOString()}#${alert.alertId}`,
          },
    }),
  );
};

/** Puts a dead (or stuck) alert back in the queue with a fresh set of attempts. */
export const resetAlertForRedelivery = async (alertId: string, now = new Date()): Promise<Alert> => {
  try {
    const out = await getClients().ddb.send(
      new UpdateCommand({
        TableName: mainTable(),
        Key: keys.alert(alertId),
        UpdateExpression:
          'SET #status = :pending, attempts = :zero, nextAttemptAt = :now, gsi1pk = :kind, gsi1sk = :sort, redrivenAt = :now REMOVE leaseUntil',
        ConditionExpression: 'attribute_exists(pk) AND #status <> :delivered',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: {
          ':pending': 'pending',
          ':zero': 0,
          ':now': now.toISOString(),
          ':kind': kinds.pendingAlert,
          ':sort': `${now.toISOString()}#${alertId}`,
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
  const items = await dueOfKind(kinds.pendingAlert, now, limit);
  return items.map((i) => alertItem.parse(i));
};

export const deadAlerts = async (): Promise<Alert[]> => {
  return (await allOfKind(kinds.deadAlert, { newestFirst: true })).map((i) => alertItem.parse(i));
};
