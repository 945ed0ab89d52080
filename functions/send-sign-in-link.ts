import { sendSignInLink, signInLinkRequest } from '#shared/auth/sign-in';
import { observedHandler } from '#shared/observability';

/**
 * Invoked asynchronously by POST /auth/sign-in with `{email, locale?}`, for every address asked
 * for: emails the one-time link to those that may sign in (shared/auth/sign-in.ts).
 */
export const handler = observedHandler<unknown, void>().handler((event) =>
  sendSignInLink(signInLinkRequest.parse(event)),
);
