import type { ResponseFilter } from '../store/responses.ts';

/**
 * Segments a response counts in: `all`, one `attr:value` per snapshot attribute, the owner, the
 * campaign and one `theme:<name>` per theme its comment was tagged with — only those of the
 * declared dimensions, when given (the rollup: config SEGMENT_DIMENSIONS). Values are lower-cased
 * so `EMEA` and `emea` are one segment.
 */
export interface SegmentSource {
  attributes: Record<string, string>;
  ownerId?: string | undefined;
  campaignId: string;
  themes?: readonly string[] | undefined;
}

/**
 * What NPS is rolled up by unless config SEGMENT_DIMENSIONS says otherwise. `value` and `loyalty`
 * are written by the value recompute (shared/value/recompute.ts); customers carry them only once
 * one has run, so until then they add no segment. `theme` is the comment's themes.
 */
export const DEFAULT_SEGMENT_DIMENSIONS = [
  'tier',
  'region',
  'plan',
  'locale',
  'value',
  'loyalty',
  'owner',
  'campaign',
  'theme',
] as const;

/**
 * `theme:` segments are the comment's themes. The API refuses an attribute of that name, and one
 * saved before themes existed is left out, so the two never mix in one segment.
 */
const THEME_DIMENSION = 'theme';

/** `all` or `name:value`; values may hold inner spaces (`region:north america`), never `|`. */
export const SEGMENT_PATTERN = /^(all|[a-z0-9_-]{1,40}:[^\s|](?:[^|]{0,98}[^\s|])?)$/;

export const normalizeSegmentValue = (value: string): string => value.trim().toLowerCase();

export const segmentsOf = (
  { attributes, ownerId, campaignId, themes }: SegmentSource,
  dimensions?: readonly string[],
): string[] => {
  const declared = (name: string) => dimensions === undefined || dimensions.includes(name);
  const segments = new Set<string>(['all']);
  for (const [name, value] of Object.entries(attributes)) {
    const v = normalizeSegmentValue(value);
    const dimension = name.toLowerCase();
    if (v && !v.includes('|') && declared(dimension) && dimension !== THEME_DIMENSION) {
      segments.add(`${dimension}:${v}`);
    }
  }
  if (ownerId && declared('owner')) segments.add(`owner:${ownerId}`);
  if (declared('campaign')) segments.add(`campaign:${campaignId}`);
  if (declared(THEME_DIMENSION)) {
    for (const theme of themes ?? []) {
      const v = normalizeSegmentValue(theme);
      if (v && !v.includes('|')) segments.add(`theme:${v}`);
    }
  }
  return [...segments];
};

/** The segment's dimension: `tier` for `tier:key`, undefined for `all`. */
export const dimensionOf = (segment: string): string | undefined =>
  segment === 'all' ? undefined : segment.slice(0, segment.indexOf(':'));

/** Which responses a segment holds, as a listing filters them (undefined for `all`). */
export const responseFilterOf = (segment: string): ResponseFilter | undefined => {
  if (segment === 'all') return undefined;
  const [name = '', ...rest] = segment.split(':');
  const value = rest.join(':');
  if (name === 'owner') return { ownerId: value };
  if (name === 'campaign') return { campaignId: value };
  if (name === 'theme') return { theme: value };
  return { attribute: name, value };
};
