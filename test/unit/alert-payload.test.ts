import { describe, expect, it } from 'vitest';
import { bodyForStyle, type DetractorAlert } from '../../shared/alerts/payload.ts';

const alertWith = (overrides: {
  name?: string;
  comment?: string | null;
  attributes?: Record<string, string>;
}): DetractorAlert => ({
  type: 'detractor.created',
  case: { id: 'case-1', status: 'open', slaDueAt: '2026-03-02T09:00:00.000Z' },
  response: {
    score: 2,
    comment: overrides.comment === undefined ? 'Not good <at all> & slow' : overrides.comment,
    respondedAt: '2026-03-01T09:00:00.000Z',
  },
  customer: {
    id: 'c-1',
    name: overrides.name ?? 'Dana Fox',
    email: 'dana@example.com',
    attributes: overrides.attributes ?? { tier: 'key' },
  },
  owner: { id: 'alice', name: 'Alice' },
  links: {
    case: 'https://nps.example.com/dashboard#case=case-1',
    dashboard: 'https://nps.example.com/dashboard',
  },
});

interface SlackText {
  type: string;
  text: string;
}
interface SlackMessage {
  text: string;
  blocks: Array<{
    type: string;
    text?: SlackText;
    fields?: SlackText[];
    elements?: Array<{ text: SlackText; url: string }>;
  }>;
}

const slack = (alert: DetractorAlert) => JSON.parse(bodyForStyle('slack', alert)) as SlackMessage;
const headerOf = (m: SlackMessage) => m.blocks.find((b) => b.type === 'header')?.text?.text ?? '';
const fieldsOf = (m: SlackMessage) => m.blocks.find((b) => b.fields)?.fields?.map((f) => f.text) ?? [];
const commentOf = (m: SlackMessage) =>
  m.blocks.filter((b) => b.type === 'section' && b.text).at(-1)?.text?.text ?? '';

/** An `&` that does not start one of Slack's three escapes: a cut through `&amp;` leaves one. */
const BROKEN_ESCAPE = /&(?!amp;|lt;|gt;)/;
/** Half of a surrogate pair, as a cut through an emoji leaves it. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

describe('Slack alert message', () => {
  it('escapes &, < and > in every customer-supplied text, the plain_text header included', () => {
    const message = slack(alertWith({ name: 'Customer <slack> & co', attributes: { region: '<emea>' } }));
    expect(headerOf(message)).toBe('New detractor: Customer &lt;slack&gt; &amp; co scored 2/10');
    expect(message.text).toBe(headerOf(message));
    expect(fieldsOf(message)).toEqual(
      expect.arrayContaining([
        '*Customer*\nCustomer &lt;slack&gt; &amp; co',
        '*Segment*\nregion: &lt;emea&gt;',
      ]),
    );
    expect(commentOf(message)).toBe('*Comment*\n>Not good &lt;at all&gt; &amp; slow');
  });

  it('cuts a comment that escaping makes longer than a section allows (3,000), marking the cut', () => {
    // 2,000 characters, the longest comment an answer may have; escaped, over 4,000.
    const comment = 'Bad & <worse> '.repeat(143).slice(0, 2000);
    const text = commentOf(slack(alertWith({ comment })));
    expect(text.length).toBeLessThanOrEqual(3000);
    expect(text.length).toBeGreaterThan(2900);
    expect(text.startsWith('*Comment*\n>Bad &amp; &lt;worse&gt;')).toBe(true);
    expect(text.endsWith('…')).toBe(true);
    expect(text).not.toMatch(BROKEN_ESCAPE);
  });

  it('never cuts through an escape sequence, wherever the limit falls', () => {
    // Shifting the comment one character at a time puts the limit on every position of `&amp;`.
    for (let shift = 0; shift < 5; shift++) {
      const text = commentOf(
        slack(alertWith({ comment: `${'x'.repeat(shift)}${'&'.repeat(1999 - shift)}` })),
      );
      expect(text.length).toBeLessThanOrEqual(3000);
      expect(text.replace('…', '')).not.toMatch(BROKEN_ESCAPE);
      expect(text.endsWith('&amp;…')).toBe(true);
    }
  });

  it('never cuts through a surrogate pair or an emoji sequence', () => {
    // 2,500 escaped characters of `&`, then emoji past the limit; the shift moves the limit
    // across every code unit of the emoji.
    for (const emoji of ['😀', '👩‍👩‍👧‍👦']) {
      for (let shift = 0; shift < emoji.length; shift++) {
        const comment = `${'x'.repeat(shift)}${'&'.repeat(500)}${emoji.repeat(Math.floor(1000 / emoji.length))}`;
        const text = commentOf(slack(alertWith({ comment })));
        expect(text.length).toBeLessThanOrEqual(3000);
        expect(text).not.toMatch(LONE_SURROGATE);
        expect(text.endsWith(`${emoji}…`)).toBe(true);
      }
    }
  });

  it('keeps the header within 150 characters, escaped, with the score still shown', () => {
    const header = headerOf(slack(alertWith({ name: '<Very> &'.repeat(25) })));
    expect(header.length).toBeLessThanOrEqual(150);
    expect(header).toMatch(/^New detractor: &lt;Very&gt; &amp;.*… scored 2\/10$/);
    expect(header.replace('…', '')).not.toMatch(BROKEN_ESCAPE);
  });

  it('keeps each section field within 2,000 characters, however many attributes the customer has', () => {
    const attributes = Object.fromEntries(
      Array.from({ length: 40 }, (_, i) => [`attribute_${i}`, `<${'v'.repeat(90)}>`]),
    );
    const fields = fieldsOf(slack(alertWith({ attributes, name: '&'.repeat(200) })));
    expect(fields).toHaveLength(4);
    for (const field of fields) {
      expect(field.length).toBeLessThanOrEqual(2000);
      expect(field).not.toMatch(BROKEN_ESCAPE);
    }
    expect(fields.find((f) => f.startsWith('*Segment*'))?.endsWith('…')).toBe(true);
  });

  it('quotes every line of a comment, not only the first', () => {
    expect(commentOf(slack(alertWith({ comment: 'line one\nline two' })))).toBe(
      '*Comment*\n>line one\n>line two',
    );
  });
});

interface TeamsCard {
  attachments: Array<{
    content: {
      body: Array<{ type: string; text?: string; facts?: Array<{ title: string; value: string }> }>;
    };
  }>;
}

describe('Teams alert card', () => {
  const teams = (alert: DetractorAlert) => {
    const card = JSON.parse(bodyForStyle('teams', alert)) as TeamsCard;
    const body = card.attachments[0]?.content.body ?? [];
    return {
      headline: body[0]?.text ?? '',
      facts: Object.fromEntries(body.find((b) => b.facts)?.facts?.map((f) => [f.title, f.value]) ?? []),
      comment: body.at(-1)?.text ?? '',
    };
  };
  /** Markdown that would act: a link, bold text, a list marker — not preceded by a backslash. */
  const ACTIVE_MARKDOWN = /(?<!\\)[[\]()*_]/;

  it('escapes the customer name, attributes and comment: none becomes a link or formatting', () => {
    const card = teams(
      alertWith({
        name: '[Pay now](https://evil.example) **urgent**',
        attributes: { region: '[emea](https://evil.example)' },
        comment: 'See [this](https://evil.example) _now_',
      }),
    );
    expect(card.headline).toContain('\\[Pay now\\]\\(https://evil\\.example\\) \\*\\*urgent\\*\\*');
    expect(card.headline).toMatch(/^New detractor: .* scored 2\/10$/);
    for (const text of [card.headline, card.facts.Customer, card.facts.Segment, card.comment])
      expect(text).not.toMatch(ACTIVE_MARKDOWN);
  });
});
