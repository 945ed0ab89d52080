import type { DynamoDBRecord } from 'aws-lambda';
import { beforeEach, describe, expect, it } from 'vitest';
import { invoke } from '../../local/lambda.ts';
import { getCase } from '../../shared/store/cases.ts';
import { adminFetch, postAnswer, sesEmails, tokenOf, useLocalStack } from '../support/local-stack.ts';
import { isResponseRecord, readStream } from '../support/stream.ts';

/**
 * Answers to different invites are different items: on AWS they can sit on different stream
 * shards and reach the alert consumer in either order. Recovery must not depend on that order.
 *
 * Every test starts on its own empty stack with the owner o, and replays any earlier step it
 * builds on with the helpers below: any test runs alone, in any order.
 */
describe('recovery whatever order the answers are processed in', () => {
  // The alert consumer is left out so that the test plays it, in the order it chooses.
  const stack = useLocalStack({ streamConsumers: ['rollup-responses'], perTest: true });

  beforeEach(async () => {
    await adminFetch(stack(), 'POST', '/api/owners', { id: 'o', name: 'Owner', email: 'o@example.com' });
  });

  const surveyAndAnswer = async (campaign: string, score: number) => {
    await adminFetch(stack(), 'POST', '/api/campaigns', { id: campaign, name: campaign, fatigueDays: 0 });
    await adminFetch(stack(), 'POST', `/api/campaigns/${campaign}/send`);
    await stack().settle();
    const email = (await sesEmails(stack())).at(-1);
    if (!email) throw new Error('no survey email');
    const token = tokenOf(email);
    expect((await postAnswer(stack(), token, { score })).status).toBe(200);
    return token.split('.')[0] as string;
  };
  const recordOf = (records: DynamoDBRecord[], inviteId: string) =>
    records.filter(isResponseRecord(inviteId));

  /** Customer c answers 3 to campaign first, then 9 to second; no alert consumer has run yet. */
  const cAnswersThreeThenNine = async () => {
    await adminFetch(stack(), 'POST', '/api/customers', [{ id: 'c', email: 'c@example.com', ownerId: 'o' }]);
    const unhappy = await surveyAndAnswer('first', 3);
    const happy = await surveyAndAnswer('second', 9);
    const records = (await readStream(stack())).flatMap((s) => s.records);
    return { unhappy, happy, records };
  };

  it('recovers a detractor case whose later 9 was processed first, once', async () => {
    const { unhappy, happy, records } = await cAnswersThreeThenNine();

    // The 9 arrives first: there is no case yet to recover.
    await invoke('raise-alerts', { Records: recordOf(records, happy) });
    expect(await getCase(unhappy)).toBeUndefined();
    // Then the 3: its case opens — and is recovered at once, by the answer given after it.
    await invoke('raise-alerts', { Records: recordOf(records, unhappy) });
    const recovered = await getCase(unhappy);
    expect(recovered).toMatchObject({ status: 'open', recovered: true, recoveredBy: happy });
    // Delivered again, in either order: nothing changes.
    await invoke('raise-alerts', { Records: [...recordOf(records, unhappy), ...recordOf(records, happy)] });
    expect(await getCase(unhappy)).toEqual(recovered);
  });

  it('does not count an answer of 7+ given before the detractor answer as a recovery', async () => {
    await adminFetch(stack(), 'POST', '/api/customers', [{ id: 'd', email: 'd@example.com', ownerId: 'o' }]);
    await adminFetch(stack(), 'POST', '/api/campaigns', { id: 'third', name: 'third', fatigueDays: 0 });
    await adminFetch(stack(), 'POST', '/api/campaigns/third/send');
    // Third's run must finish before fourth's starts: run concurrently (as on a cold first test),
    // fourth could take d's survey slot first and third would then skip d as fatigued.
    await stack().settle();
    await adminFetch(stack(), 'POST', '/api/campaigns', { id: 'fourth', name: 'fourth', fatigueDays: 0 });
    await adminFetch(stack(), 'POST', '/api/campaigns/fourth/send');
    await stack().settle();
    const tokens = (await sesEmails(stack()))
      .filter((e) => e.destination.to[0] === 'd@example.com')
      .map(tokenOf);
    const [early, late] = tokens as [string, string];
    expect((await postAnswer(stack(), early, { score: 10 })).status).toBe(200);
    expect((await postAnswer(stack(), late, { score: 2 })).status).toBe(200);
    const records = (await readStream(stack())).flatMap((s) => s.records);
    const lateId = late.split('.')[0] as string;
    await invoke('raise-alerts', { Records: recordOf(records, early.split('.')[0] as string) });
    await invoke('raise-alerts', { Records: recordOf(records, lateId) });
    expect(await getCase(lateId)).toMatchObject({ status: 'open', recovered: false });

    // A comment added to that earlier 10 is not a new answer of 7+: still no recovery.
    expect((await postAnswer(stack(), early, { score: 10, comment: 'Still great' })).status).toBe(200);
    const edit = (await readStream(stack()))
      .flatMap((s) => s.records)
      .filter((r) => r.dynamodb?.NewImage?.comment?.S === 'Still great');
    expect(edit).toHaveLength(1);
    await invoke('raise-alerts', { Records: edit });
    expect(await getCase(lateId)).toMatchObject({ recovered: false });
  });

  it("takes an erased customer's recovery marks with them", async () => {
    const { caseMarks, sevenPlusMarks } = await import('../../shared/store/recovery-marks.ts');
    // c's case and its recovery, as in the first test: the 9 processed first, the 3, then both again.
    const { unhappy, happy, records } = await cAnswersThreeThenNine();
    await invoke('raise-alerts', { Records: recordOf(records, happy) });
    await invoke('raise-alerts', { Records: recordOf(records, unhappy) });
    await invoke('raise-alerts', { Records: [...recordOf(records, unhappy), ...recordOf(records, happy)] });
    expect(await caseMarks('c')).toHaveLength(1);
    expect(await sevenPlusMarks('c')).toHaveLength(1);
    const res = await adminFetch(stack(), 'DELETE', '/api/customers/c');
    expect(res.status).toBe(200);
    expect(await caseMarks('c')).toEqual([]);
    expect(await sevenPlusMarks('c')).toEqual([]);
  });

  it('writes no case back for an answer erased while its record waited in the stream', async () => {
    await adminFetch(stack(), 'POST', '/api/customers', [{ id: 'e', email: 'e@example.com', ownerId: 'o' }]);
    await adminFetch(stack(), 'POST', '/api/campaigns', { id: 'fifth', name: 'fifth', fatigueDays: 0 });
    await adminFetch(stack(), 'POST', '/api/campaigns/fifth/send');
    await stack().settle();
    const email = (await sesEmails(stack())).find((m) => m.destination.to[0] === 'e@example.com');
    if (!email) throw new Error('no survey email');
    const token = tokenOf(email);
    expect((await postAnswer(stack(), token, { score: 1, comment: 'Personal details here' })).status).toBe(
      200,
    );
    const inviteId = token.split('.')[0] as string;
    const [insert] = recordOf(
      (await readStream(stack())).flatMap((s) => s.records),
      inviteId,
    );
    expect((await adminFetch(stack(), 'DELETE', '/api/customers/e')).status).toBe(200);
    // The answer's INSERT reaches the alert consumer only now.
    await invoke('raise-alerts', { Records: [insert] });
    expect(await getCase(inviteId)).toBeUndefined();
    const { caseMarks } = await import('../../shared/store/recovery-marks.ts');
    expect(await caseMarks('e')).toEqual([]);
  });
});
