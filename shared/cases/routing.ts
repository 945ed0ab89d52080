import { config } from '../config.ts';
import { ValidationError } from '../errors.ts';
import { segmentsOf } from '../nps/segments.ts';
import { getOwner } from '../store/owners.ts';
import { getRoutingRules, putRoutingRules } from '../store/routing.ts';
import type { Case, Owner, Response, RoutingRule } from '../store/schemas.ts';

/** What routing reads: the answer's snapshot, never the customer as edited since. */
export type RoutingSource = Pick<Response, 'ownerId' | 'attributes' | 'campaignId'>;

/**
 * The rules that match an answer, in rule order. A rule names a segment (`tier:key`,
 * `campaign:q4`, `all`) and matches when the answer counts in that segment.
 */
export const matchingRules = (rules: readonly RoutingRule[], source: RoutingSource): RoutingRule[] => {
  const segments = new Set(segmentsOf({ attributes: source.attributes, campaignId: source.campaignId }));
  return rules.filter((rule) => segments.has(rule.segment));
};

export interface Routed {
  owner?: Owner;
  routedBy?: NonNullable<Case['routedBy']>;
}

/**
 * Who owns a detractor case: the customer's own account manager (as of the answer), else the
 * owner of the first matching routing rule, else the configured default owner. A rule whose owner
 * no longer exists is passed over rather than leaving the case with nobody.
 */
export const routeCase = async (source: RoutingSource): Promise<Routed> => {
  if (source.ownerId) {
    const own = await getOwner(source.ownerId);
    if (own) return { owner: own, routedBy: 'customer' };
  }
  const { rules } = await getRoutingRules();
  for (const rule of matchingRules(rules, source)) {
    const owner = await getOwner(rule.ownerId);
    if (owner) return { owner, routedBy: 'rule' };
  }
  const fallback = config().DEFAULT_OWNER_ID;
  const owner = fallback ? await getOwner(fallback) : undefined;
  return owner ? { owner, routedBy: 'default' } : {};
};

/** Saves the ordered rules after checking that every owner they name exists (400 otherwise). */
export const saveRoutingRules = async (rules: RoutingRule[], now = new Date()) => {
  const ownerIds = [...new Set(rules.map((r) => r.ownerId))];
  const owners = await Promise.all(ownerIds.map((id) => getOwner(id)));
  const unknown = ownerIds.filter((_, i) => !owners[i]);
  if (unknown.length > 0) {
    throw new ValidationError(
      `unknown owner${unknown.length > 1 ? 's' : ''}: ${unknown.join(', ')} — create the owner first (POST /api/owners)`,
      'unknown_owner',
    );
  }
  return putRoutingRules(rules, now);
};
