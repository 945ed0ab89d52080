import { describe, expect, it } from 'vitest';
import { GoneError, NotFoundError } from '../../shared/errors.ts';
import { deriveInviteId, signSurveyToken, verifySurveyToken } from '../../shared/tokens/survey-token.ts';

const KEY = 'k'.repeat(43);
const inviteId = deriveInviteId(KEY, 'campaign-1', 'run-1', 'customer-1');
const inAWeek = new Date(Date.now() + 7 * 86_400_000);

describe('survey tokens', () => {
  it('round-trips the invite id and expiry', () => {
    const token = signSurveyToken(KEY, inviteId, inAWeek);
    const verified = verifySurveyToken(KEY, token);
    expect(verified.inviteId).toBe(inviteId);
    expect(verified.expiresAt.getTime()).toBe(Math.floor(inAWeek.getTime() / 1000) * 1000);
  });

  it('derives the same invite id for the same campaign, run and customer, and a different one otherwise', () => {
    expect(deriveInviteId(KEY, 'campaign-1', 'run-1', 'customer-1')).toBe(inviteId);
    expect(deriveInviteId(KEY, 'campaign-1', 'run-2', 'customer-1')).not.toBe(inviteId);
    expect(deriveInviteId('x'.repeat(43), 'campaign-1', 'run-1', 'customer-1')).not.toBe(inviteId);
  });

  it('rejects every single-character change to the token', () => {
    const token = signSurveyToken(KEY, inviteId, inAWeek);
    for (let i = 0; i < token.length; i++) {
      if (token[i] === '.') continue;
      const replacement = token[i] === 'A' ? 'B' : 'A';
      const tampered = `${token.slice(0, i)}${replacement}${token.slice(i + 1)}`;
      expect(() => verifySurveyToken(KEY, tampered), `position ${i}`).toThrow(NotFoundError);
    }
  });

  it('rejects a token signed with another key', () => {
    const token = signSurveyToken('o'.repeat(43), inviteId, inAWeek);
    expect(() => verifySurveyToken(KEY, token)).toThrow(NotFoundError);
  });

  it('rejects a token whose expiry was pushed out', () => {
    const token = signSurveyToken(KEY, inviteId, new Date(Date.now() - 1000));
    const [id, , mac] = token.split('.');
    const later = Math.floor(inAWeek.getTime() / 1000).toString(36);
    expect(() => verifySurveyToken(KEY, `${id}.${later}.${mac}`)).toThrow(NotFoundError);
  });

  it('reports an expired token as gone, unless expiry is allowed (unsubscribe links)', () => {
    const token = signSurveyToken(KEY, inviteId, new Date(Date.now() - 1000));
    expect(() => verifySurveyToken(KEY, token)).toThrow(GoneError);
    expect(verifySurveyToken(KEY, token, { allowExpired: true }).inviteId).toBe(inviteId);
  });

  it.each(['', 'abc', 'a.b.c', `${inviteId}..`, `${inviteId}.zz.${'A'.repeat(23)}`])(
    'rejects malformed %j',
    (t) => {
      expect(() => verifySurveyToken(KEY, t)).toThrow(NotFoundError);
    },
  );
});
