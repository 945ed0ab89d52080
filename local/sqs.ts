import { createHash, randomUUID } from 'node:crypto';
import type { SQSEvent, SQSRecord } from 'aws-lambda';

interface Message {
  messageId: string;
  body: string;
  sentAt: number;
  visibleAt: number;
  receiveCount: number;
  receiptHandle?: string;
}

interface Queue {
  name: string;
  url: string;
  arn: string;
  visibilityTimeoutMs: number;
  maxReceiveCount: number;
  messages: Message[];
  deadLetters: Message[];
}

export interface QueueConsumer {
  queue: string;
  batchSize: number;
  invoke: (event: SQSEvent) => Promise<unknown>;
}

export class SqsApiError extends Error {
  readonly type: string;
  constructor(type: string, message: string) {
    super(message);
    this.type = type;
  }
}

const md5 = (s: string) => createHash('md5').update(s).digest('hex');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * A small in-memory SQS: the JSON-protocol calls the handlers make (SendMessage, SendMessageBatch,
 * ChangeMessageVisibility, DeleteMessage, ReceiveMessage), visibility timeouts, receive counts and a
 * dead-letter list after `maxReceiveCount` — and an event source mapping that invokes a consumer
 * with SQS batches and honours `batchItemFailures`. Messages do not survive a restart; the alert
 * sweep re-delivers from the table, which is the source of truth.
 */
export class LocalSqs {
  private readonly queues = new Map<string, Queue>();
  private readonly consumers: QueueConsumer[] = [];
  private inFlight = 0;
  private stopped = false;
  private loop: Promise<void> | undefined;

  private readonly baseUrl: string;

  constructor(baseUrl: string) {
    this.baseUrl = baseUrl;
  }

  createQueue(name: string, opts: { visibilityTimeoutMs: number; maxReceiveCount: number }): string {
    const url = `${this.baseUrl}/000000000000/${name}`;
    this.queues.set(url, {
      name,
      url,
      arn: `arn:aws:sqs:us-east-1:000000000000:${name}`,
      messages: [],
      deadLetters: [],
      ...opts,
    });
    return url;
  }

  deadLetters(name: string): Array<{ messageId: string; body: string; receiveCount: number }> {
    return [...this.queues.values()].find((q) => q.name === name)?.deadLetters ?? [];
  }

  private queue(url: unknown): Queue {
    const q = typeof url === 'string' ? this.queues.get(url) : undefined;
    if (!q)
      throw new SqsApiError(
        'com.amazonaws.sqs#QueueDoesNotExist',
        `The specified queue does not exist: ${String(url)}`,
      );
    return q;
  }

  private send(q: Queue, body: unknown, delaySeconds = 0) {
    if (typeof body !== 'string' || body.length === 0)
      throw new SqsApiError('com.amazonaws.sqs#InvalidParameterValue', 'MessageBody is required');
    const message: Message = {
      messageId: randomUUID(),
      body,
      sentAt: Date.now(),
      visibleAt: Date.now() + delaySeconds * 1000,
      receiveCount: 0,
    };
    q.messages.push(message);
    return { MessageId: message.messageId, MD5OfMessageBody: md5(body) };
  }

  private byHandle(q: Queue, handle: unknown): Message {
    const m = q.messages.find((x) => x.receiptHandle !== undefined && x.receiptHandle === handle);
    if (!m)
      throw new SqsApiError('com.amazonaws.sqs#ReceiptHandleIsInvalid', 'The receipt handle is not valid');
    return m;
  }

  /** One call of the SQS JSON protocol (`X-Amz-Target: AmazonSQS.<Action>`). */
  handle(action: string, input: Record<string, unknown>): unknown {
    const q = this.queue(input.QueueUrl);
    switch (action) {
      case 'SendMessage':
        return this.send(q, input.MessageBody, Number(input.DelaySeconds ?? 0));
      case 'SendMessageBatch': {
        const entries = Array.isArray(input.Entries) ? (input.Entries as Array<Record<string, unknown>>) : [];
        return {
          Successful: entries.map((e) => ({
            Id: e.Id,
            ...this.send(q, e.MessageBody, Number(e.DelaySeconds ?? 0)),
          })),
          Failed: [],
        };
      }
      case 'ChangeMessageVisibility': {
        const seconds = Number(input.VisibilityTimeout);
        if (!Number.isInteger(seconds) || seconds < 0 || seconds > 43_200) {
          throw new SqsApiError(
            'com.amazonaws.sqs#InvalidParameterValue',
            'VisibilityTimeout must be 0..43200',
          );
        }
        this.byHandle(q, input.ReceiptHandle).visibleAt = Date.now() + seconds * 1000;
        return {};
      }
      case 'DeleteMessage': {
        const m = this.byHandle(q, input.ReceiptHandle);
        q.messages = q.messages.filter((x) => x !== m);
        return {};
      }
      case 'ReceiveMessage':
        return {
          Messages: this.receive(q, Number(input.MaxNumberOfMessages ?? 1)).map((m) => ({
            MessageId: m.messageId,
            ReceiptHandle: m.receiptHandle,
            Body: m.body,
            MD5OfBody: md5(m.body),
          })),
        };
      default:
        throw new SqsApiError('com.amazonaws.sqs#UnsupportedOperation', `${action} is not supported locally`);
    }
  }

  private receive(q: Queue, max: number): Message[] {
    const now = Date.now();
    const out: Message[] = [];
    for (const m of [...q.messages]) {
      if (out.length >= max) break;
      if (m.visibleAt > now) continue;
      // Like a redrive policy: past its receive limit a message moves to the dead-letter queue.
      if (m.receiveCount >= q.maxReceiveCount) {
        q.messages = q.messages.filter((x) => x !== m);
        q.deadLetters.push(m);
        continue;
      }
      m.receiveCount++;
      m.receiptHandle = `${m.messageId}#${m.receiveCount}`;
      m.visibleAt = now + q.visibilityTimeoutMs;
      out.push(m);
    }
    return out;
  }

  addConsumer(consumer: QueueConsumer): void {
    this.consumers.push(consumer);
    this.loop ??= this.run();
  }

  /** Up to this many batches in flight per consumer, as Lambda scales an SQS event source out. */
  private static readonly CONCURRENCY = 5;

  private async run(): Promise<void> {
    const running = new Set<Promise<void>>();
    while (!this.stopped) {
      let started = false;
      for (const consumer of this.consumers) {
        const q = [...this.queues.values()].find((x) => x.name === consumer.queue);
        if (!q || running.size >= LocalSqs.CONCURRENCY) continue;
        const batch = this.receive(q, consumer.batchSize);
        if (batch.length === 0) continue;
        started = true;
        this.inFlight++;
        const job = this.invoke(q, consumer, batch).finally(() => {
          this.inFlight--;
          running.delete(job);
        });
        running.add(job);
      }
      if (!started) await Promise.race([sleep(20), ...running]);
    }
    await Promise.allSettled([...running]);
  }

  private async invoke(q: Queue, consumer: QueueConsumer, batch: Message[]): Promise<void> {
    const records: SQSRecord[] = batch.map((m) => ({
      messageId: m.messageId,
      receiptHandle: m.receiptHandle ?? '',
      body: m.body,
      attributes: {
        ApproximateReceiveCount: String(m.receiveCount),
        SentTimestamp: String(m.sentAt),
        SenderId: 'local',
        ApproximateFirstReceiveTimestamp: String(Date.now()),
      },
      messageAttributes: {},
      md5OfBody: md5(m.body),
      eventSource: 'aws:sqs',
      eventSourceARN: q.arn,
      awsRegion: 'us-east-1',
    }));
    let failed: Set<string>;
    try {
      const result = (await consumer.invoke({ Records: records })) as
        | { batchItemFailures?: Array<{ itemIdentifier: string }> }
        | undefined;
      failed = new Set((result?.batchItemFailures ?? []).map((f) => f.itemIdentifier));
    } catch {
      failed = new Set(batch.map((m) => m.messageId)); // the whole batch comes back after its timeout
    }
    q.messages = q.messages.filter((m) => !batch.includes(m) || failed.has(m.messageId));
  }

  /** True when nothing is being processed and no message is due now (delayed retries don't count). */
  isIdle(): boolean {
    const now = Date.now();
    return (
      this.inFlight === 0 &&
      [...this.queues.values()].every((q) => q.messages.every((m) => m.visibleAt > now))
    );
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.loop;
  }
}
