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

/** The alert's one-line headline, the same on every channel (webhook text, Slack, Teams, email). */
export const alertHeadline = (a: DetractorAlert) =>
  `${a.type === 'detractor.created' ? 'New detractor' : 'Detractor updated'}: ${singleLine(a.customer.name ?? a.customer.id)} scored ${a.response.score}/10`;

export const segmentLine = (a: DetractorAlert) =>
  Object.entries(a.customer.attributes)
    .map(([k, v]) => `${k}: ${v}`)
    .join(' · ') || '—';

/** Slack's mrkdwn treats &, < and > as control characters; everything user-written is escaped. */
const slackEscape = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

const slackMessage = (a: DetractorAlert) => ({
  text: slackEscape(alertHeadline(a)),
  blocks: [
    { type: 'header', text: { type: 'plain_text', text: alertHeadline(a).slice(0, 150) } },
    {
      type: 'section',
      fields: [
        { type: 'mrkdwn', text: `*Score*\n${a.response.score}/10` },
        { type: 'mrkdwn', text: `*Customer*\n${slackEscape(a.customer.name ?? a.customer.id)}` },
        { type: 'mrkdwn', text: `*Segment*\n${slackEscape(segmentLine(a))}` },
        { type: 'mrkdwn', text: `*Follow up by*\n${a.case.slaDueAt}` },
      ],
    },
    {
      type: 'section',
      text: {
        type: 'mrkdwn',
        text: `*Comment*\n${a.response.comment ? `>${slackEscape(a.response.comment)}` : '_none_'}`,
      },
    },
    {
      type: 'actions',
      elements: [{ type: 'button', text: { type: 'plain_text', text: 'Open case' }, url: a.links.case }],
    },
  ],
});

/** Adaptive Card text is Markdown: a customer's comment must not become links or formatting. */
const teamsEscape = (s: string) => s.replace(/[\\`*_{}[\]()#+\-.!<>|~]/g, (c) => `\\${c}`);

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
          { type: 'TextBlock', size: 'Medium', weight: 'Bolder', text: alertHeadline(a), wrap: true },
          {
            type: 'FactSet',
            facts: [
              { title: 'Score', value: `${a.response.score}/10` },
              { title: 'Customer', value: a.customer.name ?? a.customer.id },
              { title: 'Segment', value: segmentLine(a) },
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
