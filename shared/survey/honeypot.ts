import { NotFoundError } from '../errors.ts';
import { count } from '../observability.ts';
import { tokenKey } from '../secrets.ts';
import { markInviteScanned } from '../store/provisional.ts';
import { verifySurveyToken } from '../tokens/survey-token.ts';

/**
 * A fetch of a survey email's honeypot link (`GET /s/{token}/check`), which no person sees or can
 * reach: a mail scanner is at work on this invite. Noted on the invite (`scannedAt`), never a score.
 * The token is checked as for the survey: unknown or tampered → 404, expired → 410, nothing written.
 */
export const noteScannerFetch = async (token: string, now = new Date()): Promise<void> => {
  const { inviteId } = verifySurveyToken(await tokenKey(), token, { now });
  if (!(await markInviteScanned(inviteId, now))) {
    throw new NotFoundError('This survey link is not valid.', 'unknown_invite');
  }
  count('ScannerFetched');
};
