import {
  CreateTableCommand,
  type CreateTableCommandInput,
  DescribeTableCommand,
  type DynamoDBClient,
  UpdateTimeToLiveCommand,
} from '@aws-sdk/client-dynamodb';
import { AGGREGATES_TABLE, MAIN_TABLE, PURCHASES_TABLE } from '#shared/store/model';

type Definition = typeof MAIN_TABLE | typeof AGGREGATES_TABLE | typeof PURCHASES_TABLE;

const createInput = (name: string, def: Definition, stream: boolean): CreateTableCommandInput => {
  const attributeNames = new Set<string>([def.partitionKey, def.sortKey]);
  const indexes = Object.entries(def.indexes).map(([IndexName, k]) => {
    attributeNames.add(k.partitionKey);
    attributeNames.add(k.sortKey);
    return {
      IndexName,
      KeySchema: [
        { AttributeName: k.partitionKey, KeyType: 'HASH' as const },
        { AttributeName: k.sortKey, KeyType: 'RANGE' as const },
      ],
      Projection: { ProjectionType: 'ALL' as const },
    };
  });
  return {
    TableName: name,
    BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: [...attributeNames].map((AttributeName) => ({ AttributeName, AttributeType: 'S' })),
    KeySchema: [
      { AttributeName: def.partitionKey, KeyType: 'HASH' },
      { AttributeName: def.sortKey, KeyType: 'RANGE' },
    ],
    GlobalSecondaryIndexes: indexes,
    StreamSpecification: stream ? { StreamEnabled: true, StreamViewType: 'NEW_AND_OLD_IMAGES' } : undefined,
  };
};

const exists = async (client: DynamoDBClient, name: string) =>
  client
    .send(new DescribeTableCommand({ TableName: name }))
    .then(() => true)
    .catch((err: unknown) => {
      if (err instanceof Error && err.name === 'ResourceNotFoundException') return false;
      throw err;
    });

/** Creates the tables as the CDK stack declares them, unless they already exist. */
export const ensureTables = async (
  client: DynamoDBClient,
  names: { main: string; aggregates: string; purchases: string },
) => {
  let created = false;
  if (!(await exists(client, names.main))) {
    await client.send(new CreateTableCommand(createInput(names.main, MAIN_TABLE, true)));
    await client.send(
      new UpdateTimeToLiveCommand({
        TableName: names.main,
        TimeToLiveSpecification: { AttributeName: MAIN_TABLE.ttlAttribute, Enabled: true },
      }),
    );
    created = true;
  }
  if (!(await exists(client, names.aggregates))) {
    await client.send(new CreateTableCommand(createInput(names.aggregates, AGGREGATES_TABLE, false)));
  }
  // A data directory from before purchases gets the table on its next start.
  if (!(await exists(client, names.purchases))) {
    await client.send(new CreateTableCommand(createInput(names.purchases, PURCHASES_TABLE, false)));
  }
  return { created };
};
