import { foldChinese, hasCjk, normalizeText } from './normalize.ts';
import { wordsOf } from './words.ts';

/** A user-defined theme: its name (a segment value, `theme:<name>`) and the keywords that mean it. */
export interface ThemeDefinition {
  name: string;
  keywords: readonly string[];
}

/**
 * How one keyword is looked for. Chinese and Japanese are written without spaces, and the word
 * segmenter may cut a keyword differently inside a sentence than alone (客服 is 客 服 to it), so a
 * CJK keyword matches as a substring of the comment. Any other keyword matches whole words only
 * (`app` is not found in `happy`), as a run of consecutive words for a phrase (`customer service`).
 * Both sides are normalized (case, width, apostrophes) and Traditional Chinese folded to
 * Simplified, so 價格 finds 价格 and `SUPPORT` finds `support`.
 */
type Matcher = { kind: 'substring'; text: string } | { kind: 'words'; words: string[] };

const matcherOf = (keyword: string): Matcher | undefined => {
  if (hasCjk(keyword)) return { kind: 'substring', text: foldChinese(normalizeText(keyword).trim()) };
  const words = wordsOf(keyword).map((w) => w.text);
  return words.length > 0 ? { kind: 'words', words } : undefined;
};

const containsRun = (haystack: readonly string[], needle: readonly string[]): boolean => {
  for (let i = 0; i + needle.length <= haystack.length; i++) {
    if (needle.every((w, j) => haystack[i + j] === w)) return true;
  }
  return false;
};

/** The themes a comment matches, in the order they are defined; none for no comment. */
export const themesOf = (comment: string | undefined, themes: readonly ThemeDefinition[]): string[] => {
  if (comment === undefined || comment.trim() === '' || themes.length === 0) return [];
  // Each form of the comment is made only when a keyword needs it.
  let folded: string | undefined;
  let words: string[] | undefined;
  const matches = (m: Matcher): boolean => {
    if (m.kind === 'substring') {
      folded ??= foldChinese(normalizeText(comment));
      return m.text !== '' && folded.includes(m.text);
    }
    words ??= wordsOf(comment).map((w) => w.text);
    return containsRun(words, m.words);
  };
  return themes
    .filter((theme) =>
      theme.keywords.some((keyword) => {
        const m = matcherOf(keyword);
        return m !== undefined && matches(m);
      }),
    )
    .map((theme) => theme.name);
};
