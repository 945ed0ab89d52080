import { singleLine } from '../email/escape.ts';
import type { Case, Customer, Owner, Response } from '../store/schemas.ts';

export type AlertType = 'detractor.created' | 'detractor.updated';

/** The generic JSON body of DESIGN.md's detractor alert contract. */
export interface DetractorAlert {
  type: AlertType;
  case: { id: string; status: Case['status']; slaDueAt: string };
  response: { score: number; comment: string | null; respondedAt: string };
  customer: { id: string; name: string | null; email: string | null; attributes: Record<string, string> };
  owner: { id: string; name: string };
  links: { case: string; dashboard: string };
}

export const buildAlert = (opts: {
  type: AlertType;
  caseItem: Pick<Case, 'caseId' | 'status' | 'slaDueAt'>;
  response: Response;
  customer: Pick<Customer, 'id' | 'name' | 'email' | 'attributes'>;
  owner: Pick<Owner, 'id' | 'name'>;
  publicUrl: string;
}): DetractorAlert => ({
  type: opts.type,
  case: { id: opts.caseItem.caseId, status: opts.caseItem.status, slaDueAt: opts.caseItem.slaDueAt },
  response: {
    score: opts.response.score,
    comment: opts.response.comment ?? null,
    respondedAt: opts.response.respondedAt,
  },
  customer: {
    id: opts.customer.id,
    name: opts.customer.name ?? null,
    email: opts.customer.email ?? null,
    attributes: opts.customer.attributes,
  },
  owner: { id: opts.owner.id, name: opts.owner.name },
  links: {
    case: `${opts.publicUrl}/dashboard#case=${encodeURIComponent(opts.caseItem.caseId)}`,
    dashboard: `${opts.publicUrl}/dashboard`,
  },
});

/** The headline's three parts: only the middle one (the customer) is customer-supplied. */
const headlineParts = (a: DetractorAlert) => ({
  lead: `${a.type === 'detractor.created' ? 'New detractor' : 'Detractor updated'}: `,
  who: singleLine(a.customer.name ?? a.customer.id),
  tail: ` scored ${a.response.score}/10`,
});

/** The alert's one-line headline, the same on every channel (webhook text, Slack, Teams, email). */
export const alertHeadline = (a: DetractorAlert) => {
  const { lead, who, tail } = headlineParts(a);
  return `${lead}${who}${tail}`;
};

export const segmentLine = (a: DetractorAlert) =>
  Object.entries(a.customer.attributes)
    .map(([k, v]) => `${k}: ${v}`)
    .join(' · ') || '—';

const ELLIPSIS = '…';
const graphemes = new Intl.Segmenter('en', { granularity: 'grapheme' });

/**
 * `escapeText(text)` in at most `max` characters, counted in UTF-16 code units (never fewer than the
 * characters a receiver counts). When it is too long it is cut between whole graphemes of the
 * original text, each escaped whole, so the cut never splits an escape sequence (`&amp;`), a
 * surrogate pair or an emoji sequence; `…` marks it. `escapeText` must work character by character
 * (escaping the parts and joining them gives the escaped whole), as every escape here does.
 */
const escapedWithin = (text: string, max: number, escapeText: (s: string) => string): string => {
  const whole = escapeText(text);
  if (whole.length <= max) return whole;
  const budget = max - ELLIPSIS.length;
  let kept = '';
  for (const { segment } of graphemes.segment(text)) {
    const piece = escapeText(segment);
    if (kept.length + piece.length > budget) break;
    kept += piece;
  }
  return `${kept}${ELLIPSIS}`;
};

/** The headline with only the customer part escaped and, if need be, cut: the score always shows. */
const headlineWithin = (a: DetractorAlert, max: number, escapeText: (s: string) => string): string => {
  const { lead, who, tail } = headlineParts(a);
  return `${lead}${escapedWithin(who, Math.max(0, max - lead.length - tail.length), escapeText)}${tail}`;
};

/**
 * Slack's limits for what this message uses (docs.slack.dev/reference/block-kit/…): a header
 * block's plain_text is at most 150 characters (blocks/header-block); a section's text 1–3,000
 * and each of its at most 10 fields 2,000 (blocks/section-block); a button's text 75 and its url
 * 3,000 (block-elements/button-element). Slack answers a message over any of them with 400
 * invalid_blocks, so the alert would never arrive. The top-level text (the notification) is
 * truncated by Slack past 40,000 characters and it advises staying under 4,000
 * (api.slack.com/changelog/2018-04-truncating-really-long-messages).
 */
const SLACK_LIMITS = { header: 150, sectionText: 3000, field: 2000, notification: 4000 } as const;

/**
 * Slack treats &, < and > as control characters in every text object, plain_text included
 * (api.slack.com/reference/surfaces/formatting#escaping): everything customer-supplied is escaped.
 */
const slackEscape = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** Escaped, and a `>` after every line break: a mrkdwn quote is a `>` at the start of each line. */
const slackEscapeQuoted = (s: string) => slackEscape(s).replace(/\n/g, '\n>');

/** A mrkdwn text of a fixed label and a customer-supplied value (quoted or not), within `max` characters. */
const slackLabelled = (label: string, value: string, max: number, options: { quote?: boolean } = {}) => {
  const lead = `*${label}*\n${options.quote ? '>' : ''}`;
  const escapeValue = options.quote ? slackEscapeQuoted : slackEscape;
  return `${lead}${escapedWithin(value, max - lead.length, escapeValue)}`;
};

const slackMessage = (a: DetractorAlert) => ({
  text: headlineWithin(a, SLACK_LIMITS.notification, slackEscape),
  blocks: [
    {
      type: 'header',
      text: { type: 'plain_text', text: headlineWithin(a, SLACK_LIMITS.header, slackEscape) },
    },
    {
      type: 'section',
      fields: [
        { type: 'mrkdwn', text: `*Score*\n${a.response.score}/10` },
        {
          type: 'mrkdwn',
          text: slackLabelled('Customer', a.customer.name ?? a.customer.id, SLACK_LIMITS.field),
        },
        { type: 'mrkdwn', text: slackLabelled('Segment', segmentLine(a), SLACK_LIMITS.field) },
        { type: 'mrkdwn', text: `*Follow up by*\n${a.case.slaDueAt}` },
      ],
    },
    {
      type: 'section',
      text: {
        type: 'mrkdwn',
        text: a.response.comment
          ? slackLabelled('Comment', a.response.comment, SLACK_LIMITS.sectionText, { quote: true })
          : '*Comment*\n_none_',
      },
    },
    {
      type: 'actions',
      // The button text is ours; the url is PUBLIC_URL and a case id (at most 100 characters), far
      // below 3,000 — and a cut URL would be a broken link.
      elements: [{ type: 'button', text: { type: 'plain_text', text: 'Open case' }, url: a.links.case }],
    },
  ],
});

/**
 * Adaptive Card text is Markdown in TextBlock and in Fact.Title / Fact.Value alike
 * (learn.microsoft.com, msteams-platform cards-format): a customer's name, attributes or comment
 * must not become links or formatting. `&` too, so an entity is shown as it was typed.
 */
const teamsEscape = (s: string) => s.replace(/[\\`*_{}[\]()#+\-.!<>|~&]/g, (c) => `\\${c}`);

const teamsHeadline = (a: DetractorAlert) => {
  const { lead, who, tail } = headlineParts(a);
  return `${lead}${teamsEscape(who)}${tail}`;
};

const teamsMessage = (a: DetractorAlert) => ({
  type: 'message',
  attachments: [
    {
      contentType: 'application/vnd.microsoft.card.adaptive',
      content: {
        $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
        type: 'AdaptiveCard',
        version: '1.4',
        body: [
          {
            type: 'TextBlock',
            size: 'Medium',
            weight: 'Bolder',
            text: teamsHeadline(a),
            wrap: true,
          },
          {
            type: 'FactSet',
            facts: [
              { title: 'Score', value: `${a.response.score}/10` },
              { title: 'Customer', value: teamsEscape(a.customer.name ?? a.customer.id) },
              { title: 'Segment', value: teamsEscape(segmentLine(a)) },
              { title: 'Follow up by', value: a.case.slaDueAt },
            ],
          },
          {
            type: 'TextBlock',
            text: a.response.comment ? teamsEscape(a.response.comment) : '(no comment)',
            wrap: true,
            isSubtle: !a.response.comment,
          },
        ],
        actions: [{ type: 'Action.OpenUrl', title: 'Open case', url: a.links.case }],
      },
    },
  ],
});

export const bodyForStyle = (style: Owner['style'], alert: DetractorAlert): string =>
  JSON.stringify(style === 'slack' ? slackMessage(alert) : style === 'teams' ? teamsMessage(alert) : alert);
