import { normalizeText } from './normalize.ts';

/** One word of a text: as normalized (normalize.ts), and where it starts in the normalized text. */
export interface Word {
  text: string;
  index: number;
}

/**
 * ICU's word break rules: spaces and punctuation for alphabetic scripts, a dictionary for Chinese
 * (and Japanese, Thai, …). The locale does not change either, so one segmenter serves every comment.
 */
const segmenter = new Intl.Segmenter('und', { granularity: 'word' });

/**
 * The words of a text, in order: the segmenter's word-like segments (letters, digits, ideographs)
 * of the normalized text — punctuation, spaces and symbols left out. `index` lets a caller tell
 * whether two words touch (nothing between them) or were apart.
 */
export const wordsOf = (text: string): Word[] => {
  const words: Word[] = [];
  for (const s of segmenter.segment(normalizeText(text))) {
    if (s.isWordLike) words.push({ text: s.segment, index: s.index });
  }
  return words;
};

/** Whether `b` follows `a` with nothing between them (no space, no punctuation). */
export const touching = (a: Word, b: Word): boolean => a.index + a.text.length === b.index;
