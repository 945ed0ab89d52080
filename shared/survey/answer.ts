import type { SurveyAnswerInput } from '../api/inputs.ts';
import { config } from '../config.ts';
import { ConflictError, NotFoundError, TooManyRequestsError } from '../errors.ts';
import { count } from '../observability.ts';
import { tokenKey } from '../secrets.ts';
import { getCustomer } from '../store/customers.ts';
import { getInvite, suppressEmail } from '../store/invites.ts';
import { confirmProvisional, getProvisional, holdProvisional } from '../store/provisional.ts';
import { type Answer, type AnswerSnapshot, getResponse, writeAnswer } from '../store/responses.ts';
import type { Invite, Provisional, Response } from '../store/schemas.ts';
import { suppressAddress } from '../store/suppressions.ts';
import { getThemeDefinitions } from '../store/themes.ts';
import { getLoss } from '../store/winbacks.ts';
import { type ThemeDefinition, themesOf } from '../themes/tagging.ts';
import { verifyLeaveToken, verifySurveyToken } from '../tokens/survey-token.ts';
import { decideAnswer } from './answer-change.ts';
import { isPersonSign, judgeSubmission, type ProvisionalReason } from './scanner.ts';

/** The invite behind a survey token: 404 for unknown or tampered tokens, 410 once expired. */
export const openInvite = async (
  token: string,
  options: { allowExpired?: boolean } = {},
): Promise<Invite> => {
  const key = await tokenKey();
  const { inviteId } = verifySurveyToken(key, token, options);
  const invite = await getInvite(inviteId);
  if (!invite) throw new NotFoundError('This survey link is not valid.', 'unknown_invite');
  return invite;
};

export const currentAnswer = (invite: Invite): Promise<Response | undefined> => getResponse(invite.inviteId);

/** A changed answer re-read and decided again at most this often before giving up (a 409). */
const MAX_ANSWER_ATTEMPTS = 5;

/** What a submission did: recorded as the answer, or held apart as a mail scanner's (scanner.ts). */
export type SubmitOutcome =
  | { kind: 'recorded'; response: Response }
  | { kind: 'held'; provisional: Provisional }
  /** A timer submission after a person already confirmed the invite: the person's answer stands. */
  | { kind: 'ignored' };

const latest = (...times: Array<string | undefined>): string | undefined =>
  times
    .filter((t): t is string => t !== undefined)
    .sort()
    .at(-1);

/**
 * Records or replaces the answer, as decideAnswer says: a repeat changes nothing, an edit beyond
 * the hour's limit is refused (429). The segment snapshot is the customer's attributes at the first
 * answer; a customer removed since the invite falls back to the invite's copy.
 *
 * First, judgeSubmission (shared/survey/scanner.ts) decides whether it comes in a mail scanner's
 * pattern: then it is held as the invite's provisional answer, neither counted nor alerted. A
 * submission with a person's sign is recorded as always, and confirms a held one.
 */
export const submitAnswer = async (token: string, answer: SurveyAnswerInput): Promise<SubmitOutcome> => {
  const invite = await openInvite(token);
  const customer = await getCustomer(invite.customerId);
  const snapshot = customer
    ? { attributes: customer.attributes, ownerId: customer.ownerId }
    : { attributes: invite.attributes, ownerId: invite.ownerId };
  const person = isPersonSign(answer.trigger);
  const [provisional, stored] = await Promise.all([
    getProvisional(invite.inviteId),
    person ? undefined : getResponse(invite.inviteId),
  ]);
  const now = new Date();
  const verdict = judgeSubmission(
    answer.trigger,
    { scannedAt: invite.scannedAt, lastSubmissionAt: latest(stored?.respondedAt, provisional?.updatedAt) },
    now,
  );
  const { score, comment } = answer;
  if (verdict.kind === 'provisional') {
    return holdAnswer(invite, snapshot, provisional, { score, comment }, verdict.reason, now);
  }
  const response = await recordAnswer(invite, snapshot, { score, comment });
  if (provisional?.status === 'held' && (await confirmProvisional(invite, provisional, new Date()))) {
    count('ProvisionalConfirmed');
  }
  return { kind: 'recorded', response };
};

const holdAnswer = async (
  invite: Invite,
  snapshot: AnswerSnapshot,
  stored: Provisional | undefined,
  answer: Answer,
  reason: ProvisionalReason,
  now: Date,
): Promise<SubmitOutcome> => {
  if (stored?.status === 'confirmed') return { kind: 'ignored' };
  const held = await holdProvisional(invite, snapshot, stored, { answer, reason }, now);
  if (held.kind === 'erased') throw new NotFoundError('This survey link is not valid.', 'unknown_invite');
  if (held.kind === 'refused') return { kind: 'ignored' };
  count('AnswerHeldProvisional');
  return { kind: 'held', provisional: held.provisional };
};

/**
 * The themes of a comment being recorded, by the definitions saved now. Only a new comment is
 * tagged: a score edit keeps the tags its comment got, as it keeps the segment snapshot, and a
 * definition saved later changes no past answer.
 */
const themesOfNewComment = (
  answer: Answer,
  stored: Response | undefined,
  definitions: readonly ThemeDefinition[],
): string[] | undefined => {
  if (answer.comment === undefined || answer.comment === stored?.comment) return undefined;
  return themesOf(answer.comment, definitions);
};

/** Records an answer to an invite already opened (submitAnswer; tools and tests). */
export const recordAnswer = async (
  invite: Invite,
  snapshot: AnswerSnapshot,
  answer: Answer,
): Promise<Response> => {
  // Read once, alongside the stored answer, and only when there is a comment to tag.
  const [themeDefinitions, firstRead] = await Promise.all([
    answer.comment === undefined ? undefined : getThemeDefinitions(),
    getResponse(invite.inviteId),
  ]);
  const definitions = themeDefinitions?.themes ?? [];
  let stored = firstRead;
  for (let attempt = 0; attempt < MAX_ANSWER_ATTEMPTS; attempt++) {
    const now = new Date();
    const decision = decideAnswer(stored, answer, now, config().ANSWER_EDITS_PER_HOUR);
    if (decision.kind === 'unchanged' && stored) return stored;
    if (decision.kind === 'limited') {
      throw new TooManyRequestsError(
        `This answer has been changed too often; try again in ${Math.ceil(decision.retryAfterSeconds / 60)} minutes.`,
        'too_many_edits',
      );
    }
    if (decision.kind !== 'write') break;
    const themes = themesOfNewComment(answer, stored, definitions);
    const written = await writeAnswer(invite, snapshot, stored, { answer, ...decision, themes }, now);
    if (written.kind === 'erased')
      throw new NotFoundError('This survey link is not valid.', 'unknown_invite');
    if (written.kind === 'written') {
      count('AnswerRecorded');
      return written.response;
    }
    // Another submission of this invite landed in between: decide again on what it stored.
    stored = await getResponse(invite.inviteId);
  }
  throw new ConflictError(
    'This answer is being changed from elsewhere; please try again.',
    'answer_conflict',
  );
};

/**
 * Whom an unsubscribe link names: a survey invite's address (the links of survey, reminder and
 * follow-up emails), or a lost customer's (the link of a "why did you leave?" email, a leave
 * token). Links keep working after their survey closed.
 */
type UnsubscribeTarget =
  | { of: 'invite'; invite: Invite; locale?: string | undefined }
  | { of: 'loss'; email: string; lossId: string; locale?: string | undefined };

const openUnsubscribe = async (token: string): Promise<UnsubscribeTarget> => {
  try {
    const invite = await openInvite(token, { allowExpired: true });
    return { of: 'invite', invite, locale: invite.locale };
  } catch (err: unknown) {
    if (!(err instanceof NotFoundError)) throw err;
    const { lossId } = verifyLeaveToken(await tokenKey(), token, { allowExpired: true });
    const loss = await getLoss(lossId);
    const customer = loss ? await getCustomer(loss.customerId) : undefined;
    if (!customer) throw new NotFoundError('This link is not valid.', 'unknown_link');
    return { of: 'loss', email: customer.email, lossId, locale: customer.locale };
  }
};

/** The language of the unsubscribe page: the customer's, as their link names them. */
export const unsubscribeLocale = async (token: string): Promise<string | undefined> =>
  (await openUnsubscribe(token)).locale;

export const unsubscribe = async (token: string): Promise<{ locale?: string | undefined }> => {
  const target = await openUnsubscribe(token);
  if (target.of === 'invite') await suppressEmail(target.invite.email, 'unsubscribe', target.invite.inviteId);
  else await suppressAddress(target.email, 'unsubscribe', new Date(), target.lossId);
  return { locale: target.locale };
};
