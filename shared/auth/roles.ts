import { ForbiddenError } from '../errors.ts';
import type { Role } from '../store/schemas.ts';

/**
 * What each role may do on the admin API, decided here and only here. An admin (the bearer key, or
 * a session of an address in ADMIN_EMAILS) may do everything. An account manager (a session of an
 * owner's address) works their own customers' cases and reads their own segment, `owner:<id>`:
 *
 * - `any`: as an admin (who am I).
 * - `own-cases`: a listing narrowed to the cases they work — their own, and those escalated to them
 *   (server-side, in the query).
 * - `own-case`: one case, only if they work it — else 404, as for a case that does not
 *   exist, so another manager's case ids are not confirmed.
 * - `own-segment`: a read of one segment, only with `segment=owner:<their id>` — else 403.
 * - `own-segments`: the segments listing, narrowed to their own.
 * - `admin`: admins only — 403 for an account manager.
 *
 * Keyed by the admin route keys of functions/routes.ts: functions/admin-api.ts reads this table as
 * a Record over them (a route missing here does not compile), and test/unit/roles.test.ts checks
 * that nothing else is here.
 */
export type OwnerRule = 'any' | 'own-cases' | 'own-case' | 'own-segment' | 'own-segments' | 'admin';

export const OWNER_RULES = {
  'GET /api/me': 'any',
  'GET /api/cases': 'own-cases',
  'PATCH /api/cases/{id}': 'own-case',
  'POST /api/cases/{id}/follow-up': 'own-case',
  'GET /api/nps': 'own-segment',
  'GET /api/nps/compare': 'own-segment',
  'GET /api/responses': 'own-segment',
  'GET /api/nps/segments': 'own-segments',
  'GET /api/audit': 'admin',
  'POST /api/customers': 'admin',
  'POST /api/customers/import': 'admin',
  'GET /api/customers/{id}': 'admin',
  'DELETE /api/customers/{id}': 'admin',
  'POST /api/customers/{id}/churn': 'admin',
  'GET /api/retention': 'admin',
  'GET /api/value/revenue-at-risk': 'admin',
  // Win-back cases are cases: an account manager works the ones of their own lost customers.
  'GET /api/winbacks': 'own-cases',
  'GET /api/winbacks/reasons': 'admin',
  'PATCH /api/winbacks/{id}': 'own-case',
  'POST /api/purchases': 'admin',
  'POST /api/purchases/import': 'admin',
  'GET /api/value': 'admin',
  'POST /api/value/recompute': 'admin',
  'POST /api/owners': 'admin',
  'GET /api/owners': 'admin',
  'POST /api/campaigns': 'admin',
  'GET /api/campaigns': 'admin',
  'GET /api/campaigns/{id}': 'admin',
  'POST /api/campaigns/{id}/send': 'admin',
  'GET /api/campaigns/{id}/runs/{runId}': 'admin',
  'POST /api/campaigns/{id}/runs/{runId}/resume': 'admin',
  'POST /api/surveys': 'admin',
  'GET /api/cases/metrics': 'admin',
  'GET /api/routing': 'admin',
  'PUT /api/routing': 'admin',
  'GET /api/themes': 'admin',
  'GET /api/themes/definitions': 'admin',
  'PUT /api/themes/definitions': 'admin',
  'GET /api/alerts/dead': 'admin',
  'POST /api/alerts/{id}/redeliver': 'admin',
} as const satisfies Record<string, OwnerRule>;

/** Whom a request is from, as far as the rules care. */
export interface Who {
  role: Role;
  ownerId: string | null;
}

/**
 * What the request may reach: `all` of what the route offers, or only the account manager's own
 * (the route then narrows its read, or checks the case, by `ownerId`).
 */
export type Access =
  | { kind: 'all' }
  | { kind: 'own-cases' | 'own-case' | 'own-segments'; ownerId: string }
  | { kind: 'own-segment'; ownerId: string };

/** An account manager's own segment. Segments are read in lower case (shared/rollup/read-nps.ts). */
export const ownSegmentOf = (ownerId: string): string => `owner:${ownerId}`.toLowerCase();

const ADMINS_ONLY =
  'Only an admin may do this. An account manager works the cases of their own customers and reads the NPS and answers of their own segment (owner:<their id>).';

/**
 * The access a request gets under its route's rule (OWNER_RULES), or a 403 `forbidden` saying why
 * not. `query` is the request's query string: an account manager's segment reads must name their
 * own segment. No rule (a route the table does not know) is for admins only.
 */
export const accessFor = (
  who: Who,
  rule: OwnerRule | undefined,
  query: Readonly<Record<string, string | undefined>> = {},
): Access => {
  if (who.role === 'admin') return { kind: 'all' };
  const ownerId = who.ownerId;
  if (rule === undefined || rule === 'admin' || !ownerId) throw new ForbiddenError(ADMINS_ONLY);
  switch (rule) {
    case 'any':
      return { kind: 'all' };
    case 'own-segment': {
      const own = ownSegmentOf(ownerId);
      if ((query.segment ?? '').trim().toLowerCase() !== own) {
        throw new ForbiddenError(`An account manager reads only their own segment: segment=${own}`);
      }
      return { kind: 'own-segment', ownerId };
    }
    default:
      return { kind: rule, ownerId };
  }
};
