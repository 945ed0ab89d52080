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
