import type { ResponseFilter } from '../store/responses.ts';

/**
 * Segments a response counts in: `all`, one `attr:value` per snapshot attribute, the owner and the
 * campaign. Values are lower-cased so `EMEA` and `emea` are one segment.
 */
export interface SegmentSource {
  attributes: Record<string, string>;
  ownerId?: string | undefined;
  campaignId: string;
}

/** `all` or `name:value`; values may hold inner spaces (`region:north america`), never `|`. */
export const SEGMENT_PATTERN = /^(all|[a-z0-9_-]{1,40}:[^\s|](?:[^|]{0,98}[^\s|])?)$/;

export const normalizeSegmentValue = (value: string): string => value.trim().toLowerCase();

export const segmentsOf = ({ attributes, ownerId, campaignId }: SegmentSource): string[] => {
  const segments = new Set<string>(['all']);
  for (const [name, value] of Object.entries(attributes)) {
    const v = normalizeSegmentValue(value);
    if (v && !v.includes('|')) segments.add(`${name.toLowerCase()}:${v}`);
  }
  if (ownerId) segments.add(`owner:${ownerId}`);
  segments.add(`campaign:${campaignId}`);
  return [...segments];
};

/** Which responses a segment holds, as a listing filters them (undefined for `all`). */
export const responseFilterOf = (segment: string): ResponseFilter | undefined => {
  if (segment === 'all') return undefined;
  const [name = '', ...rest] = segment.split(':');
  const value = rest.join(':');
  if (name === 'owner') return { ownerId: value };
  if (name === 'campaign') return { campaignId: value };
  return { attribute: name, value };
};
