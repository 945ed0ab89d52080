import {
  DescribeStreamCommand,
  DynamoDBStreamsClient,
  GetRecordsCommand,
  GetShardIteratorCommand,
  TrimmedDataAccessException,
} from '@aws-sdk/client-dynamodb-streams';
import type { DynamoDBRecord } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { memoryCheckpoints } from '../../local/checkpoints.ts';
import { StreamPoller } from '../../local/stream-poller.ts';
import { RESPONSE_SORT_KEY, responseModel } from '../../shared/store/model.ts';

const streams = mockClient(DynamoDBStreamsClient);
afterEach(() => streams.reset());

const record = (seq: string) => {
  const { pk, sk } = responseModel.key(seq);
  return {
    eventID: `e${seq}`,
    eventName: 'INSERT' as const,
    dynamodb: {
      SequenceNumber: seq,
      Keys: { pk: { S: pk }, sk: { S: sk } },
      NewImage: { pk: { S: pk }, sk: { S: sk } },
    },
  };
};

describe('local stream poller', () => {
  // DynamoDB Local answers TrimmedDataAccessException for an iterator into records it has since
  // trimmed; Lambda takes a fresh iterator, and so must the local runtime, or the shard stalls.
  it('takes a fresh iterator when its records were trimmed, and delivers what follows', async () => {
    streams.on(DescribeStreamCommand).resolves({
      StreamDescription: { Shards: [{ ShardId: 'shardId-1' }] },
    });
    streams
      .on(GetShardIteratorCommand)
      .resolvesOnce({ ShardIterator: 'stale' })
      .resolves({ ShardIterator: 'fresh' });
    streams
      .on(GetRecordsCommand, { ShardIterator: 'stale' })
      .rejects(new TrimmedDataAccessException({ message: 'trimmed', $metadata: {} }));
    streams
      .on(GetRecordsCommand, { ShardIterator: 'fresh' })
      .resolves({ Records: [record('100'), record('101')], NextShardIterator: 'tail' });
    streams
      .on(GetRecordsCommand, { ShardIterator: 'tail' })
      .resolves({ Records: [], NextShardIterator: 'tail' });

    const delivered: string[] = [];
    const poller = new StreamPoller({
      client: new DynamoDBStreamsClient({ region: 'us-east-1' }),
      streamArn: 'arn:aws:dynamodb:us-east-1:000000000000:table/t/stream/x',
      checkpoints: memoryCheckpoints(),
      consumers: [
        {
          name: 'rollup-responses',
          sortKey: RESPONSE_SORT_KEY,
          batchSize: 100,
          maxRetries: 0,
          bisectOnError: false,
          tumblingWindow: false,
        },
      ],
      invoke: async (_name, event) => {
        for (const r of (event as { Records: DynamoDBRecord[] }).Records)
          delivered.push(r.dynamodb?.SequenceNumber ?? '');
        return { batchItemFailures: [] };
      },
      onFailure: () => {
        throw new Error('nothing should fail');
      },
    });
    poller.start();
    try {
      await poller.waitForIdle(5000);
      await expect.poll(() => delivered).toEqual(['100', '101']);
    } finally {
      await poller.stop();
    }
    expect(streams.commandCalls(GetShardIteratorCommand)).toHaveLength(2);
  });
});
