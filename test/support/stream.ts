import {
  DescribeStreamCommand,
  GetRecordsCommand,
  GetShardIteratorCommand,
} from '@aws-sdk/client-dynamodb-streams';
import type { DynamoDBRecord } from 'aws-lambda';
import { localStreamsClient } from '../../local/dynamodb.ts';
import type { LocalStack } from '../../local/stack.ts';
import { toLambdaRecord } from '../../local/stream-poller.ts';
import { RESPONSE_SORT_KEY, responseModel } from '../../shared/store/model.ts';

/**
 * Reads the table's stream from the start, in Lambda's record shape — for tests that play the
 * event source mapping themselves (to inject duplicates, crashes and odd batch compositions).
 */
export const readStream = async (
  stack: LocalStack,
): Promise<Array<{ shardId: string; records: DynamoDBRecord[] }>> => {
  const client = localStreamsClient(stack.dynamoEndpoint);
  try {
    const described = await client.send(new DescribeStreamCommand({ StreamArn: stack.streamArn }));
    const out: Array<{ shardId: string; records: DynamoDBRecord[] }> = [];
    for (const shard of described.StreamDescription?.Shards ?? []) {
      if (!shard.ShardId) continue;
      let iterator = (
        await client.send(
          new GetShardIteratorCommand({
            StreamArn: stack.streamArn,
            ShardId: shard.ShardId,
            ShardIteratorType: 'TRIM_HORIZON',
          }),
        )
      ).ShardIterator;
      const records: DynamoDBRecord[] = [];
      while (iterator) {
        const page = await client.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: 1000 }));
        if (!page.Records?.length) break;
        records.push(...page.Records.map((r) => toLambdaRecord(r, stack.streamArn)));
        iterator = page.NextShardIterator;
      }
      out.push({ shardId: shard.ShardId, records });
    }
    return out;
  } finally {
    client.destroy();
  }
};

/** A stream record of a response item — of the given invite's, when one is named. */
export const isResponseRecord =
  (inviteId?: string) =>
  (record: DynamoDBRecord): boolean =>
    record.dynamodb?.Keys?.sk?.S === RESPONSE_SORT_KEY &&
    (inviteId === undefined || record.dynamodb?.Keys?.pk?.S === responseModel.key(inviteId).pk);
