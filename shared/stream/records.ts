import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBRecord } from 'aws-lambda';
import type { z } from 'zod';

/** Sequence numbers are decimal strings of up to 40 digits; padded, they compare as strings. */
export const padSequence = (seq: string): string => seq.padStart(40, '0');

export const sequenceOf = (record: DynamoDBRecord): string => {
  const seq = record.dynamodb?.SequenceNumber;
  if (!seq || !/^\d{1,40}$/.test(seq)) throw new StreamRecordError('record has no valid SequenceNumber');
  return seq;
};

export class StreamRecordError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'StreamRecordError';
  }
}

/** DynamoDB TTL deletions are REMOVE records made by the service itself, not by anyone's request. */
export const isTtlExpiry = (record: DynamoDBRecord): boolean =>
  record.eventName === 'REMOVE' &&
  record.userIdentity?.type === 'Service' &&
  record.userIdentity?.principalId === 'dynamodb.amazonaws.com';

export const sortKeyOf = (record: DynamoDBRecord): string | undefined => record.dynamodb?.Keys?.sk?.S;

type Image = Record<string, AttributeValue>;

/** Unmarshalls and validates one image; a malformed image is a poison record, reported as such. */
export const parseImage = <T extends z.ZodType>(
  schema: T,
  image: Record<string, unknown> | undefined,
): z.infer<T> | undefined => {
  if (!image) return undefined;
  const result = schema.safeParse(unmarshall(image as Image));
  if (!result.success) {
    const issues = result.error.issues
      .slice(0, 5)
      .map((i) => `${i.path.join('.') || '(image)'}: ${i.message}`);
    throw new StreamRecordError(`stream image does not match the expected shape — ${issues.join('; ')}`);
  }
  return result.data;
};
