import { describe, expect, it } from 'vitest';
import {
  answerEffect,
  caseNotes,
  MAX_CASE_NOTES,
  recovers,
  SCORE_RAISED,
  transition,
} from '../../shared/cases/lifecycle.ts';
import { ConflictError } from '../../shared/errors.ts';
import type { Case, Response } from '../../shared/store/schemas.ts';

const at = new Date('2026-03-02T09:00:00.000Z');
const aCase = (overrides: Partial<Case> = {}): Case => ({
  caseId: 'inv-1',
  inviteId: 'inv-1',
  customerId: 'c-1',
  status: 'open',
  score: 3,
  slaDueAt: '2026-03-03T09:00:00.000Z',
  createdAt: '2026-03-02T08:00:00.000Z',
  updatedAt: '2026-03-02T08:00:00.000Z',
  notes: [],
  recovered: false,
  ...overrides,
});
const answer = (score: number, overrides: Partial<Response> = {}): Response => ({
  inviteId: 'inv-1',
  campaignId: 'spring',
  customerId: 'c-1',
  attributes: {},
  score,
  firstAnsweredAt: '2026-03-02T08:00:00.000Z',
  respondedAt: at.toISOString(),
  version: 2,
  ...overrides,
});

describe('an owner works a case', () => {
  it('moves forward with the note, from the status it was decided on', () => {
    const t = transition(aCase(), { status: 'contacted', note: 'called her' }, at);
    expect(t).toMatchObject({
      caseId: 'inv-1',
      from: 'open',
      to: 'contacted',
      slaDueAt: '2026-03-03T09:00:00.000Z',
    });
    expect(t.note).toEqual({ at: at.toISOString(), text: 'called her', status: 'contacted' });
  });

  it('may repeat the current status (another note) but never go back', () => {
    expect(transition(aCase({ status: 'contacted' }), { status: 'contacted', note: 'again' }, at).to).toBe(
      'contacted',
    );
    expect(() => transition(aCase({ status: 'resolved' }), { status: 'acknowledged' }, at)).toThrow(
      ConflictError,
    );
    expect(() => transition(aCase({ status: 'contacted' }), { status: 'acknowledged' }, at)).toThrow(
      /already contacted; it cannot go back to acknowledged/,
    );
  });

  it('records the outcome of a resolution', () => {
    expect(transition(aCase(), { status: 'resolved', outcome: 'refund' }, at).outcome).toBe('refund');
  });
});

describe('what an answer does to its case', () => {
  it('opens a case for a first detractor answer, announced as created', () => {
    expect(answerEffect(undefined, undefined, answer(3), at)).toEqual({
      kind: 'record',
      alertType: 'detractor.created',
      statusAfter: 'open',
    });
  });

  it('updates an open case (a comment, a new low score) as an update, keeping its status', () => {
    expect(answerEffect(aCase({ status: 'contacted' }), answer(3), answer(1), at)).toEqual({
      kind: 'record',
      alertType: 'detractor.updated',
      statusAfter: 'contacted',
    });
  });

  it('resolves the case when the customer raises the score to 7 or more', () => {
    const effect = answerEffect(aCase(), answer(3), answer(8), at);
    expect(effect).toEqual({
      kind: 'resolve',
      alertType: 'detractor.updated',
      statusAfter: 'resolved',
      outcome: SCORE_RAISED,
      note: caseNotes.raised(8, at),
    });
  });

  it('reopens a case the customer resolved when they lower the score again', () => {
    const resolved = aCase({ status: 'resolved', resolvedBy: 'customer' });
    expect(answerEffect(resolved, answer(8), answer(2), at)).toEqual({
      kind: 'record',
      alertType: 'detractor.updated',
      statusAfter: 'open',
      reopen: {
        note: {
          at: at.toISOString(),
          text: 'The customer lowered the score to 2: case reopened.',
          status: 'open',
        },
      },
    });
  });

  it('stops noting the customer’s flips once the case holds MAX_CASE_NOTES, but still moves it', () => {
    const full = Array.from({ length: MAX_CASE_NOTES }, () => caseNotes.raised(9, at));
    const resolved = aCase({ status: 'resolved', resolvedBy: 'customer', notes: full });
    expect(answerEffect(resolved, answer(9), answer(2), at)).toMatchObject({
      kind: 'record',
      statusAfter: 'open',
      reopen: { note: undefined },
    });
    const open = aCase({ status: 'open', notes: full });
    expect(answerEffect(open, answer(2), answer(9), at)).toMatchObject({ kind: 'resolve', note: undefined });
  });

  it('leaves a case the owner resolved resolved, and tells the owner', () => {
    const resolved = aCase({ status: 'resolved', resolvedBy: 'owner' });
    expect(answerEffect(resolved, answer(3), answer(2), at)).toEqual({
      kind: 'record',
      alertType: 'detractor.updated',
      statusAfter: 'resolved',
    });
  });

  it('does nothing for a 7+ answer without a case, or on a case already resolved', () => {
    expect(answerEffect(undefined, undefined, answer(9), at)).toEqual({ kind: 'none' });
    expect(answerEffect(aCase({ status: 'resolved' }), answer(3), answer(9), at)).toEqual({ kind: 'none' });
  });

  it('recovers from 7 up: the detractor line of classify', () => {
    expect([0, 6, 7, 10].map(recovers)).toEqual([false, false, true, true]);
  });

  it('words the escalation note with or without an escalation owner', () => {
    expect(caseNotes.escalated('2026-03-03T09:00:00.000Z', 'duty', at).text).toBe(
      'SLA breached (due 2026-03-03T09:00:00.000Z) without acknowledgement: escalated to duty.',
    );
    expect(caseNotes.escalated('2026-03-03T09:00:00.000Z', undefined, at).text).toMatch(
      /no escalation owner/,
    );
  });
});
