import stopwordsIso from 'stopwords-iso' with { type: 'json' };
import { z } from 'zod';

/**
 * Stop words from stopwords-iso, the collation of the published lists (Snowball, Ranks NL, the
 * Chinese lists of Harbin and Sichuan universities, …) for 50+ languages. It is pure data, so it
 * costs nothing but its 200 KB; and it is the one source that has all of en, zh, de and fr.
 *
 * Its lists were collected for search indexing, where words such as `problem`, `website` or
 * `order` are noise across a whole corpus; in survey comments they are what the customer is
 * talking about. The words in FEEDBACK_WORDS are therefore kept as terms. They are the topic
 * nouns and judgements of a product or service found in those lists — nothing else is added to
 * or removed from them.
 */
export type StopLanguage = 'en' | 'de' | 'fr' | 'zh';
/** Languages written with spaces between words, in the order ties are decided. */
export const SPACED_LANGUAGES = ['en', 'de', 'fr'] as const satisfies readonly StopLanguage[];
export type SpacedLanguage = (typeof SPACED_LANGUAGES)[number];

const FEEDBACK_WORDS: Record<StopLanguage, readonly string[]> = {
  en: [
    ...['problem', 'problems', 'help', 'work', 'works', 'worked', 'working', 'value', 'system'],
    ...['good', 'great', 'best', 'better', 'useful', 'clear', 'new', 'old', 'long', 'longer'],
    ...['quickly', 'promptly', 'poorly', 'early', 'serious', 'seriously', 'available', 'free'],
    ...['high', 'higher', 'small', 'large', 'full', 'different', 'changes', 'information'],
    ...['website', 'webpage', 'homepage', 'site', 'page', 'pages', 'click', 'computer', 'text'],
    ...['bill', 'call', 'order', 'orders', 'ordered', 'member', 'members', 'room', 'rooms', 'parts'],
  ],
  de: ['gut', 'gute', 'guter', 'gutes', 'schlecht', 'besser', 'lang', 'lange', 'zeit', 'neue', 'neuen'],
  fr: ['cher', 'chère', 'chers', 'bon', 'nouveau'],
  zh: [],
};

const perLanguage = <T>(f: (language: StopLanguage) => T): Record<StopLanguage, T> => ({
  en: f('en'),
  de: f('de'),
  fr: f('fr'),
  zh: f('zh'),
});

const words = z.array(z.string());
const isoLists = z.object(perLanguage(() => words)).parse(stopwordsIso);

/** Each language's whole list: the better to recognise the language of a comment (guessLanguage). */
const FULL = perLanguage((l): ReadonlySet<string> => new Set(isoLists[l]));

/** Each language's stop words, less its feedback words. */
const STOP = perLanguage((l): ReadonlySet<string> => {
  const keep = new Set(FEEDBACK_WORDS[l]);
  return new Set(isoLists[l].filter((w) => !keep.has(w)));
});

/** Whether `word` (normalized; Chinese folded to Simplified) is a stop word of `language`. */
export const isStopWord = (word: string, language: StopLanguage): boolean => STOP[language].has(word);

/**
 * The language of a comment's spaced words: the one whose stop list holds most of them — function
 * words make up a large share of any sentence, so even a short comment shows its language
 * ("the app is slow" has two English ones, no German or French one). A tie, or none at all, is
 * English. Comments in other languages keep all their words (no list removes any of them wrongly).
 */
export const guessLanguage = (words: readonly string[]): SpacedLanguage => {
  let best: SpacedLanguage = 'en';
  let bestHits = 0;
  for (const language of SPACED_LANGUAGES) {
    const hits = words.filter((w) => FULL[language].has(w)).length;
    if (hits > bestHits) {
      best = language;
      bestHits = hits;
    }
  }
  return best;
};
