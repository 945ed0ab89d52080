import { RemovalPolicy } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import { Construct } from 'constructs';
import { AGGREGATES_TABLE, MAIN_TABLE, PURCHASES_TABLE } from '#shared/store/model';

interface IndexDefinition {
  partitionKey: string;
  sortKey: string;
}

const stringKey = (name: string): dynamodb.Attribute => ({ name, type: dynamodb.AttributeType.STRING });

const addIndexes = (table: dynamodb.Table, indexes: Record<string, IndexDefinition>): void => {
  for (const [indexName, index] of Object.entries(indexes)) {
    table.addGlobalSecondaryIndex({
      indexName,
      partitionKey: stringKey(index.partitionKey),
      sortKey: stringKey(index.sortKey),
      projectionType: dynamodb.ProjectionType.ALL,
    });
  }
};

/**
 * The three tables, declared from the same constants the code and the local runtime use
 * (shared/store/model.ts), so keys and index names cannot drift.
 * - main: the single table of customers, campaigns, invites, responses, cases and alerts; its stream
 *   (new and old images) feeds the rollup and the detractor alerts.
 * - aggregates: NPS counters per segment and window period, written only by the rollup.
 * - purchases: the customers' purchases (value tiers, loyalty), with no stream: an import of a
 *   year of orders must not queue ahead of answers in the main table's stream.
 * All are kept when the stack is deleted, with point-in-time recovery on.
 */
export class Data extends Construct {
  readonly mainTable: dynamodb.Table;
  readonly aggregatesTable: dynamodb.Table;
  readonly purchasesTable: dynamodb.Table;

  constructor(scope: Construct, id: string) {
    super(scope, id);

    this.mainTable = new dynamodb.Table(this, 'MainTable', {
      partitionKey: stringKey(MAIN_TABLE.partitionKey),
      sortKey: stringKey(MAIN_TABLE.sortKey),
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      stream: dynamodb.StreamViewType.NEW_AND_OLD_IMAGES,
      timeToLiveAttribute: MAIN_TABLE.ttlAttribute,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    addIndexes(this.mainTable, MAIN_TABLE.indexes);

    this.aggregatesTable = new dynamodb.Table(this, 'AggregatesTable', {
      partitionKey: stringKey(AGGREGATES_TABLE.partitionKey),
      sortKey: stringKey(AGGREGATES_TABLE.sortKey),
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    addIndexes(this.aggregatesTable, AGGREGATES_TABLE.indexes);

    this.purchasesTable = new dynamodb.Table(this, 'PurchasesTable', {
      partitionKey: stringKey(PURCHASES_TABLE.partitionKey),
      sortKey: stringKey(PURCHASES_TABLE.sortKey),
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    addIndexes(this.purchasesTable, PURCHASES_TABLE.indexes);
  }
}
