import { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import type { NpsLoopStack } from '../../cdk/nps-loop-stack.ts';
import {
  ITEM_ACTIONS,
  type ItemVerb,
  MAIN_PARTITIONS,
  type MainIndexName,
  type MainPartition,
  PURCHASES_PARTITIONS,
  type PurchasesIndexName,
  type PurchasesPartition,
  TABLE_ACCESS,
} from '../../cdk/table-access.ts';
import { ALL_FUNCTIONS, type FunctionName } from '../../functions/routes.ts';
import {
  alertModel,
  auditModel,
  campaignModel,
  caseMarkModel,
  caseModel,
  churnMarkModel,
  customerModel,
  inviteModel,
  lossModel,
  ownerModel,
  provisionalModel,
  purchaseModel,
  responseModel,
  routingModel,
  runCounterModel,
  runLogModel,
  runModel,
  scheduleModel,
  senderLeaseModel,
  sendRateModel,
  sessionModel,
  sevenPlusMarkModel,
  signInModel,
  signInRateModel,
  suppressionModel,
  surveySlotModel,
  themeDefinitionsModel,
  valueLeaseModel,
  valueReportModel,
  valueWatchModel,
  winBackModel,
} from '../../shared/store/model.ts';
import { caseStatus } from '../../shared/store/schemas.ts';
import { WIN_BACK_STATUSES } from '../../shared/winback/policy.ts';
import { allows, buildStack, logicalIdOf, type PolicyStatement, roleStatements } from './support.ts';

/**
 * Partition keys as shared/store/model.ts builds them, for every item type, grouped by the pattern
 * of cdk/table-access.ts that should cover them. The erasure tombstone (`CUSTOMER#<id>` / `ERASED`)
 * shares the customer's partition, so the customer's keys stand for it.
 */
const TABLE_KEYS: Record<MainPartition, string[]> = {
  'CUSTOMER#*': [
    customerModel.key('c-1').pk,
    surveySlotModel.key('c-1').pk,
    caseMarkModel.key('c-1', 'k-1').pk,
    sevenPlusMarkModel.key('c-1', 'i-1').pk,
    valueWatchModel.key('c-1').pk,
  ],
  'OWNER#*': [ownerModel.key('o-1').pk],
  'CAMPAIGN#*': [
    campaignModel.key('k-1').pk,
    scheduleModel.key('k-1').pk,
    runModel.key('k-1', 'r-1').pk,
    runCounterModel.key('k-1', 'r-1', 'd1a2b3c-3').pk,
  ],
  'RUNLOG#*': [runLogModel.key('k-1', 'r-1', 'c-1').pk],
  'SENDRATE#*': [sendRateModel.key(1_800_000_000).pk],
  SENDER: [senderLeaseModel.key().pk],
  'INVITE#*': [inviteModel.key('i-1').pk, responseModel.key('i-1').pk, provisionalModel.key('i-1').pk],
  'CASE#*': [caseModel.key('i-1').pk],
  'ALERT#*': [alertModel.key('a-1').pk],
  'SUPPRESSION#*': [suppressionModel.key('hash-1').pk],
  ROUTING: [routingModel.key().pk],
  THEMES: [themeDefinitionsModel.key().pk],
  VALUE: [valueReportModel.key().pk, valueLeaseModel.key().pk],
  'LOSS#*': [lossModel.key('l-1').pk, winBackModel.key('l-1').pk],
  'SIGNIN#*': [signInModel.key('a'.repeat(64)).pk],
  'SIGNINRATE#*': [signInRateModel.key('b'.repeat(64), 1_966_000).pk],
  'SESSION#*': [sessionModel.key('c'.repeat(64)).pk],
  'AUDIT#*': [auditModel.key('2026-01-01T00:00:00.000Z', 'e-1').pk],
};

/** Index partition keys as the model lists items, and the index pattern of the access table that covers each. */
const AT = '2026-01-01T00:00:00.000Z';
const INDEX_KEYS: Record<MainIndexName, Array<{ key: string; covers: (pattern: string) => boolean }>> = {
  byKind: [
    customerModel.listed('c-1').gsi1pk,
    ownerModel.listed('o-1').gsi1pk,
    campaignModel.listed('k-1').gsi1pk,
    scheduleModel.due(AT, 'k-1').gsi1pk,
    runModel.open(new Date(AT), 'k-1', 'r-1').gsi1pk,
    inviteModel.unsent(AT, 'i-1').gsi1pk,
    inviteModel.held('k-1', 'r-1', 'i-1').gsi1pk,
    inviteModel.remind(AT, 'i-1').gsi1pk,
    responseModel.listed(AT, 'i-1').gsi1pk,
    provisionalModel.held(AT, 'i-1').gsi1pk,
    ...caseStatus.options.map((status) => caseModel.withStatus(status, AT, 'i-1').gsi1pk),
    caseModel.escalated(AT, 'i-1').gsi1pk,
    alertModel.pending(AT, 'a-1').gsi1pk,
    alertModel.dead(AT, 'a-1').gsi1pk,
    // The erasure tombstones' listing (shared/store/model.ts `erasureModel.recent`).
    'ERASED',
    valueWatchModel.listed(100, 'c-1').gsi1pk,
    churnMarkModel.listed('c-1').gsi1pk,
    lossModel.listed('2026-01-01', 'l-1').gsi1pk,
    ...WIN_BACK_STATUSES.map((status) => winBackModel.withStatus(status, AT, 'l-1').gsi1pk),
  ].map((key) => ({
    key,
    covers: (pattern) => (pattern.endsWith('*') ? key.startsWith(pattern.slice(0, -1)) : key === pattern),
  })),
  byCustomer: [
    inviteModel.ofCustomer('c-1', AT).gsi2pk,
    responseModel.ofCustomer('c-1', AT, 'i-1').gsi2pk,
    provisionalModel.ofCustomer('c-1', AT, 'i-1').gsi2pk,
    caseModel.ofCustomer('c-1', AT, 'i-1').gsi2pk,
    alertModel.ofCustomer('c-1', AT, 'a-1').gsi2pk,
    runLogModel.ofCustomer('c-1', AT, 'k-1', 'r-1').gsi2pk,
    lossModel.ofCustomer('c-1', '2026-01-01', 'l-1').gsi2pk,
    winBackModel.ofCustomer('c-1', AT, 'l-1').gsi2pk,
  ].map((key) => ({ key, covers: (pattern) => key.startsWith(pattern.slice(0, -1)) })),
};

/** The purchases table's keys and index keys as the model builds them. */
const PURCHASE_KEYS: Record<PurchasesPartition, string[]> = { 'PURCHASE#*': [purchaseModel.key('p-1').pk] };
const PURCHASE_INDEX_KEYS: Record<PurchasesIndexName, string[]> = {
  byMonth: [
    purchaseModel.listed('2026-01-01', 'p-1').gsi1pk,
    purchaseModel.listed('2026-12-31', 'p-9').gsi1pk,
  ],
  purchasesByCustomer: [purchaseModel.ofCustomer('c-1', '2026-01-01', 'p-1').gsi2pk],
};

const VERBS = Object.keys(ITEM_ACTIONS) as ItemVerb[];
const ANY_TABLE_KEY = Object.values(TABLE_KEYS).flat();
const ANY_TABLE_PATTERN = Object.values(MAIN_PARTITIONS).map((p) => new RegExp(`^${p.replace('*', '.*')}$`));

let stack: NpsLoopStack;
let template: Template;
let main: string;
let aggregates: string;
let purchases: string;
const statements = new Map<FunctionName, PolicyStatement[]>();

beforeAll(() => {
  // The template alone is needed: no bundling.
  ({ stack } = buildStack());
  template = Template.fromStack(stack);
  main = `arn:${logicalIdOf(stack, stack.data.mainTable)}`;
  aggregates = `arn:${logicalIdOf(stack, stack.data.aggregatesTable)}`;
  purchases = `arn:${logicalIdOf(stack, stack.data.purchasesTable)}`;
  for (const name of ALL_FUNCTIONS) {
    statements.set(name, roleStatements(template, logicalIdOf(stack, stack.functions[name].role)));
  }
}, 60_000);

const may = (name: FunctionName, action: string, resource: string, key: string | undefined) =>
  allows(statements.get(name) ?? [], action, resource, key);
/** The functions that may do `action` on at least one key of `partition`. */
const whoMay = (action: string, partition: MainPartition) =>
  ALL_FUNCTIONS.filter((name) => TABLE_KEYS[partition].some((key) => may(name, action, main, key)));
/** The main-table partitions on which the function may do `action`. */
const partitionsFor = (name: FunctionName, action: string) =>
  (Object.keys(TABLE_KEYS) as MainPartition[]).filter((p) =>
    TABLE_KEYS[p].some((key) => may(name, action, main, key)),
  );
const WRITES = ['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'dynamodb:BatchWriteItem'];

describe('the access table and the model', () => {
  it('names every partition shared/store/model.ts builds, each key under exactly one pattern', () => {
    expect(Object.keys(TABLE_KEYS).sort()).toEqual(Object.values(MAIN_PARTITIONS).sort());
    for (const [pattern, keys] of Object.entries(TABLE_KEYS)) {
      for (const key of keys) {
        const covering = Object.values(MAIN_PARTITIONS).filter((p) =>
          p.endsWith('*') ? key.startsWith(p.slice(0, -1)) : key === p,
        );
        expect(covering, key).toEqual([pattern]);
      }
    }
  });

  it('lists only index partitions the model builds', () => {
    for (const name of ALL_FUNCTIONS) {
      for (const [indexName, patterns] of Object.entries(TABLE_ACCESS[name].main?.indexes ?? {})) {
        for (const pattern of patterns ?? []) {
          const keys = INDEX_KEYS[indexName as MainIndexName].filter((k) => k.covers(pattern));
          expect(keys.length, `${name} ${indexName} ${pattern}`).toBeGreaterThan(0);
        }
      }
    }
  });
});

describe('table access in the template', () => {
  it('grants no Scan (nor PartiQL, which may scan) to any role, on any table or index', () => {
    const policies = Object.values(template.findResources('AWS::IAM::Policy'));
    const granted = policies.flatMap((p) =>
      (p.Properties.PolicyDocument.Statement as PolicyStatement[]).filter((s) =>
        ['dynamodb:Scan', 'dynamodb:PartiQLSelect'].some((action) => allows([s], action, main, undefined)),
      ),
    );
    expect(granted).toEqual([]);
    for (const name of ALL_FUNCTIONS) {
      for (const resource of [
        main,
        aggregates,
        purchases,
        `${main}/index/byKind`,
        `${aggregates}/index/byPeriod`,
        `${purchases}/index/byMonth`,
      ]) {
        expect(may(name, 'dynamodb:Scan', resource, undefined), `${name} ${resource}`).toBe(false);
      }
    }
  });

  it('conditions every main-table statement on the partitions it reaches, and names each index exactly', () => {
    for (const name of ALL_FUNCTIONS) {
      for (const statement of statements.get(name) ?? []) {
        // The table and its indexes (its stream, read by the event source mappings, is not the table).
        const tableArn = JSON.stringify({ 'Fn::GetAtt': [main.slice('arn:'.length), 'Arn'] });
        const resources = [statement.Resource].flat().map((r) => JSON.stringify(r));
        const onMain = resources.filter((r) => r.includes(tableArn));
        if (onMain.length === 0) continue;
        expect(statement.Condition, `${name} ${JSON.stringify(statement.Action)}`).toEqual({
          'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': expect.any(Array) },
        });
        expect(onMain.join(), name).not.toContain('/index/*');
      }
    }
  });

  it.each(ALL_FUNCTIONS)('%s: exactly the actions and partitions of cdk/table-access.ts', (name) => {
    const access = TABLE_ACCESS[name].main ?? {};
    for (const verb of VERBS) {
      for (const [partition, keys] of Object.entries(TABLE_KEYS) as Array<[MainPartition, string[]]>) {
        const granted = (access[verb] ?? []).includes(partition);
        for (const key of keys) {
          expect(may(name, ITEM_ACTIONS[verb], main, key), `${verb} ${key}`).toBe(granted);
        }
      }
    }
    for (const [indexName, keys] of Object.entries(INDEX_KEYS) as Array<
      [MainIndexName, typeof INDEX_KEYS.byKind]
    >) {
      const patterns: readonly string[] = access.indexes?.[indexName] ?? [];
      for (const { key, covers } of keys) {
        expect(may(name, 'dynamodb:Query', `${main}/index/${indexName}`, key), `${indexName} ${key}`).toBe(
          patterns.some(covers),
        );
      }
      // An index is read by Query only.
      for (const action of ['dynamodb:GetItem', 'dynamodb:BatchGetItem', ...WRITES]) {
        expect(may(name, action, `${main}/index/${indexName}`, keys[0]?.key), `${action} ${indexName}`).toBe(
          false,
        );
      }
    }
    // A listing partition is no table partition: no table grant reaches `OWNER` or `ERASED` (those
    // that share a table prefix, `CASE#open`, name no item there).
    for (const { key } of INDEX_KEYS.byKind.filter(
      ({ key }) => !ANY_TABLE_PATTERN.some((p) => p.test(key)),
    )) {
      for (const verb of VERBS)
        expect(may(name, ITEM_ACTIONS[verb], main, key), `${verb} ${key}`).toBe(false);
    }
  });
});

describe('the purchases table in the template', () => {
  it('names every partition the model builds there', () => {
    expect(Object.keys(PURCHASE_KEYS)).toEqual(Object.values(PURCHASES_PARTITIONS));
  });

  it.each(ALL_FUNCTIONS)('%s: exactly the purchases-table grants of cdk/table-access.ts', (name) => {
    const access = TABLE_ACCESS[name].purchases ?? {};
    for (const verb of VERBS) {
      for (const [partition, keys] of Object.entries(PURCHASE_KEYS) as Array<
        [PurchasesPartition, string[]]
      >) {
        const granted = (access[verb] ?? []).includes(partition);
        for (const key of keys)
          expect(may(name, ITEM_ACTIONS[verb], purchases, key), `${verb} ${key}`).toBe(granted);
      }
    }
    for (const [indexName, keys] of Object.entries(PURCHASE_INDEX_KEYS) as Array<
      [PurchasesIndexName, string[]]
    >) {
      const patterns: readonly string[] = access.indexes?.[indexName] ?? [];
      for (const key of keys) {
        const covered = patterns.some((p) => key.startsWith(p.slice(0, -1)));
        expect(
          may(name, 'dynamodb:Query', `${purchases}/index/${indexName}`, key),
          `${indexName} ${key}`,
        ).toBe(covered);
      }
    }
  });

  it('lets only the admin API record purchases, erasure delete them, and the recompute and the retention reads read them by month', () => {
    const who = (action: string, resource: string, key: string) =>
      ALL_FUNCTIONS.filter((name) => may(name, action, resource, key));
    const purchase = PURCHASE_KEYS['PURCHASE#*'][0] ?? '';
    expect(who('dynamodb:BatchWriteItem', purchases, purchase).sort()).toEqual(['admin-api', 'sweep-outbox']);
    for (const action of ['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem']) {
      expect(who(action, purchases, purchase), action).toEqual([]);
    }
    expect(
      who('dynamodb:Query', `${purchases}/index/byMonth`, PURCHASE_INDEX_KEYS.byMonth[0] ?? '').sort(),
    ).toEqual(['admin-api', 'recompute-value']);
    // Erasure (admin API, sweep), and a churned customer's last purchase (the win-back pass).
    expect(who('dynamodb:Query', `${purchases}/index/purchasesByCustomer`, 'CUSTOMER#c-1').sort()).toEqual([
      'admin-api',
      'recompute-value',
      'sweep-outbox',
    ]);
  });
});

describe('who may touch what (the hardening issue, point 3)', () => {
  it('lets the survey page only GetItem invites and their answers', () => {
    expect(partitionsFor('survey-page', 'dynamodb:GetItem')).toEqual(['INVITE#*']);
    for (const action of [...Object.values(ITEM_ACTIONS), 'dynamodb:Scan'].filter(
      (a) => a !== 'dynamodb:GetItem',
    )) {
      for (const key of ANY_TABLE_KEY)
        expect(may('survey-page', action, main, key), `${action} ${key}`).toBe(false);
    }
  });

  it('keeps the public functions and the SES feedback to their own items', () => {
    const writable = (name: FunctionName) =>
      [...new Set(WRITES.flatMap((a) => partitionsFor(name, a)))].sort();
    expect(writable('submit-response')).toEqual(['INVITE#*']);
    expect(writable('unsubscribe')).toEqual(['INVITE#*', 'SUPPRESSION#*']);
    expect(partitionsFor('unsubscribe', 'dynamodb:PutItem')).toEqual(['SUPPRESSION#*']);
    // SES feedback suppresses the address; on a survey email it also notes the invite and counts
    // against its run (which it may pause): its campaign partition.
    expect(writable('record-ses-events')).toEqual(['CAMPAIGN#*', 'INVITE#*', 'SUPPRESSION#*']);
    expect(partitionsFor('record-ses-events', 'dynamodb:PutItem')).toEqual(['SUPPRESSION#*']);
    expect(partitionsFor('record-ses-events', 'dynamodb:GetItem').sort()).toEqual(['CAMPAIGN#*', 'INVITE#*']);
    // The honeypot link notes a scanner on the invite, one UpdateItem, and reads nothing.
    expect(writable('record-scan')).toEqual(['INVITE#*']);
    expect(partitionsFor('record-scan', 'dynamodb:UpdateItem')).toEqual(['INVITE#*']);
    expect(partitionsFor('record-scan', 'dynamodb:GetItem')).toEqual([]);
    for (const name of ['submit-response', 'record-scan', 'unsubscribe', 'record-ses-events'] as const) {
      expect(partitionsFor(name, 'dynamodb:DeleteItem'), name).toEqual([]);
      expect(partitionsFor(name, 'dynamodb:BatchWriteItem'), name).toEqual([]);
    }
  });

  it('lets only the admin API put owners (their webhook secrets), only delivery disable their webhooks, nobody delete them', () => {
    expect(whoMay('dynamodb:PutItem', 'OWNER#*')).toEqual(['admin-api']);
    expect(whoMay('dynamodb:UpdateItem', 'OWNER#*').sort()).toEqual(['deliver-alerts', 'sweep-outbox']);
    expect(whoMay('dynamodb:DeleteItem', 'OWNER#*')).toEqual([]);
    expect(whoMay('dynamodb:BatchWriteItem', 'OWNER#*')).toEqual([]);
  });

  it('lets only the unsubscribe and SES feedback functions suppress, and only senders read suppressions', () => {
    expect(whoMay('dynamodb:PutItem', 'SUPPRESSION#*').sort()).toEqual(['record-ses-events', 'unsubscribe']);
    for (const action of ['dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'dynamodb:BatchWriteItem']) {
      expect(whoMay(action, 'SUPPRESSION#*'), action).toEqual([]);
    }
    expect(
      [
        ...new Set([
          ...whoMay('dynamodb:GetItem', 'SUPPRESSION#*'),
          ...whoMay('dynamodb:BatchGetItem', 'SUPPRESSION#*'),
        ]),
      ].sort(),
    ).toEqual(['admin-api', 'dispatch-campaign', 'recompute-value', 'send-invites', 'sweep-outbox']);
  });

  it('lets the writers of a customer’s invites, slots, answers and cases check the erasure tombstone in their transactions', () => {
    expect(whoMay('dynamodb:ConditionCheckItem', 'CUSTOMER#*').sort()).toEqual([
      'admin-api',
      'dispatch-campaign',
      'escalate-cases',
      'leave-survey',
      'raise-alerts',
      'recompute-value',
      'submit-response',
    ]);
    // The tombstone is put by the erasure (admin API); the alert consumer puts recovery marks and
    // the value recompute best-but-not-loyal entries in the same partition.
    expect(whoMay('dynamodb:PutItem', 'CUSTOMER#*').sort()).toEqual([
      'admin-api',
      'raise-alerts',
      'recompute-value',
    ]);
    // An erased customer's answer that reached the table after the erasure is deleted by the alert consumer.
    expect(whoMay('dynamodb:DeleteItem', 'INVITE#*').sort()).toEqual(['raise-alerts']);
    expect(whoMay('dynamodb:BatchWriteItem', 'INVITE#*').sort()).toEqual(['admin-api', 'sweep-outbox']);
  });

  it('lets only the rollup write counters (UpdateItem alone), and only the admin API read them (Query alone)', () => {
    const counterKey = 'tier:key|month';
    const actions = [...Object.values(ITEM_ACTIONS), 'dynamodb:Scan'];
    for (const name of ALL_FUNCTIONS) {
      for (const action of actions) {
        const expected =
          (name === 'rollup-responses' && action === 'dynamodb:UpdateItem') ||
          (name === 'admin-api' && action === 'dynamodb:Query');
        expect(may(name, action, aggregates, counterKey), `${name} ${action}`).toBe(expected);
        expect(
          may(name, action, `${aggregates}/index/byPeriod`, 'month|2026-01'),
          `${name} ${action} byPeriod`,
        ).toBe(name === 'admin-api' && action === 'dynamodb:Query');
      }
    }
  });

  it('keeps sign-in links, sessions and the audit log to the functions that need them', () => {
    const writers = (partition: MainPartition) =>
      [...new Set(WRITES.flatMap((action) => whoMay(action, partition)))].sort();
    // Links: written by the link's email function, used by the sign-in function; the per-address
    // counts are the sign-in function's alone, which also opens and ends sessions.
    expect(writers('SIGNIN#*')).toEqual(['auth', 'send-sign-in-link']);
    expect(whoMay('dynamodb:PutItem', 'SIGNIN#*')).toEqual(['send-sign-in-link']);
    expect(whoMay('dynamodb:UpdateItem', 'SIGNIN#*')).toEqual(['auth']);
    expect(writers('SIGNINRATE#*')).toEqual(['auth']);
    expect(whoMay('dynamodb:GetItem', 'SIGNINRATE#*')).toEqual([]);
    expect(writers('SESSION#*')).toEqual(['auth']);
    expect(whoMay('dynamodb:UpdateItem', 'SESSION#*')).toEqual([]);
    // The admin API reads a caller's session, nothing else of it.
    expect(whoMay('dynamodb:GetItem', 'SESSION#*').sort()).toEqual(['admin-api', 'auth']);
    // Audit entries are only ever put (never changed or deleted), and read by the admin API alone.
    expect(whoMay('dynamodb:PutItem', 'AUDIT#*').sort()).toEqual(['admin-api', 'auth']);
    for (const action of ['dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'dynamodb:BatchWriteItem']) {
      expect(whoMay(action, 'AUDIT#*'), action).toEqual([]);
    }
    expect(whoMay('dynamodb:Query', 'AUDIT#*')).toEqual(['admin-api']);
    // The link's email function finds owners by their listing, never by reading owner items (webhook
    // secrets); the sign-in function, which answers every address alike, looks up none.
    expect(partitionsFor('auth', 'dynamodb:GetItem').sort()).toEqual(['SESSION#*', 'SIGNIN#*']);
    expect(partitionsFor('send-sign-in-link', 'dynamodb:GetItem')).toEqual([]);
    expect(may('send-sign-in-link', 'dynamodb:Query', `${main}/index/byKind`, 'OWNER')).toBe(true);
    expect(may('auth', 'dynamodb:Query', `${main}/index/byKind`, 'OWNER')).toBe(false);
  });

  it('gives the static pages no table access at all', () => {
    for (const name of ['dashboard', 'not-found'] as const) {
      const dynamo = (statements.get(name) ?? []).filter((s) =>
        [s.Action].flat().some((a) => a.startsWith('dynamodb:')),
      );
      expect(dynamo, name).toEqual([]);
    }
  });
});
