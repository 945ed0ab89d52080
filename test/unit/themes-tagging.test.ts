import { describe, expect, it } from 'vitest';
import { themeDefinitionsInput } from '../../shared/api/inputs.ts';
import { type ThemeDefinition, themesOf } from '../../shared/themes/tagging.ts';

const THEMES: ThemeDefinition[] = [
  { name: 'price', keywords: ['price', 'expensive', '價格', '贵'] },
  { name: 'support', keywords: ['Customer Service', 'support', '客服'] },
  { name: 'app', keywords: ['app', '闪退'] },
];

describe('tagging an answer with the themes its comment matches', () => {
  it('matches English keywords as whole words, whatever the case', () => {
    expect(themesOf('The SUPPORT was slow', THEMES)).toEqual(['support']);
    expect(themesOf('I am happy', THEMES)).toEqual([]);
    expect(themesOf('Your app is happy-making', THEMES)).toEqual(['app']);
    expect(themesOf('Prices went up', THEMES)).toEqual([]);
  });

  it('matches a phrase as consecutive words, across spacing and punctuation', () => {
    expect(themesOf('customer   service, as usual', THEMES)).toEqual(['support']);
    expect(themesOf('The customer loves the service', THEMES)).toEqual([]);
  });

  it('matches Chinese keywords as substrings, even where the segmenter cuts the word', () => {
    // The segmenter cuts 客服 into 客 服 and reads 太贵 as 太 贵: a word match would miss both.
    expect(themesOf('客服太慢了，价格也太贵', THEMES)).toEqual(['price', 'support']);
    expect(themesOf('App经常闪退', THEMES)).toEqual(['app']);
  });

  it('matches Traditional and Simplified Chinese alike, and full-width letters', () => {
    // The keyword is Traditional (價格), the comment Simplified; the keyword 贵 finds 貴.
    expect(themesOf('价格不合理', THEMES)).toEqual(['price']);
    expect(themesOf('太貴了', THEMES)).toEqual(['price']);
    expect(themesOf('ＡＰＰ很好用', THEMES)).toEqual(['app']);
  });

  it('lists each theme once, in the order they are defined; no comment, no theme', () => {
    expect(themesOf('app app, support and the price', THEMES)).toEqual(['price', 'support', 'app']);
    expect(themesOf(undefined, THEMES)).toEqual([]);
    expect(themesOf('   ', THEMES)).toEqual([]);
    expect(themesOf('support', [])).toEqual([]);
  });
});

describe('theme definitions as the API takes them', () => {
  it('takes names in any script, in lower case, as segment values', () => {
    const parsed = themeDefinitionsInput.parse({
      themes: [
        { name: ' Price ', keywords: ['price'] },
        { name: '客服', keywords: ['客服'] },
      ],
    });
    expect(parsed.themes.map((t) => t.name)).toEqual(['price', '客服']);
  });

  it('refuses duplicate names, names that are no segment value, and themes without keywords', () => {
    const refused = (themes: unknown) => themeDefinitionsInput.safeParse({ themes }).success;
    expect(
      refused([
        { name: 'a', keywords: ['x'] },
        { name: 'A', keywords: ['y'] },
      ]),
    ).toBe(false);
    expect(refused([{ name: 'two words', keywords: ['x'] }])).toBe(false);
    expect(refused([{ name: 'a|b', keywords: ['x'] }])).toBe(false);
    expect(refused([{ name: 'a', keywords: [] }])).toBe(false);
    expect(refused([{ name: 'a', keywords: ['—'] }])).toBe(false);
    expect(refused([{ name: 'a', keywords: ['x'] }])).toBe(true);
  });
});
