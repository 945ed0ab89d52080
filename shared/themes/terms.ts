import { foldChinese, hasHan } from './normalize.ts';
import { guessLanguage, isStopWord, type SpacedLanguage } from './stopwords.ts';
import { touching, type Word, wordsOf } from './words.ts';

/** A term of a comment: `term` is what is counted, `written` how the comment wrote it. */
export interface Term {
  term: string;
  written: string;
}

const isSingleHan = (w: Word) => w.text.length === 1 && hasHan(w.text);

/**
 * The longest run of single Han characters joined back into one word. ICU's Chinese dictionary
 * does not know many product words and splits them into characters: 客服 → 客 服, 闪退 → 闪 退,
 * 卡顿 → 卡 顿. A run of single characters that touch and are not stop words is most often one
 * such word. On 30 hand-marked comments (test/unit/themes-chinese.test.ts) joining finds 59 of the
 * 65 topic words instead of 44, and 85 % of the terms it yields are right instead of 62 %. Stop
 * characters (了, 也, 的…) end a run, so `物流太慢了，等了两个星期` does not become one word.
 */
const joinSingleHan = (words: Word[]): Word[] => {
  const out: Word[] = [];
  let run: Word[] = [];
  const flush = () => {
    const [first] = run;
    if (first) out.push({ text: run.map((w) => w.text).join(''), index: first.index });
    run = [];
  };
  for (const w of words) {
    const last = run.at(-1);
    if (isSingleHan(w) && !isStopWord(foldChinese(w.text), 'zh')) {
      if (last && !touching(last, w)) flush();
      run.push(w);
    } else {
      flush();
      out.push(w);
    }
  }
  flush();
  return out;
};

/** French elided articles and pronouns (`l'application`, `qu'il`), English possessive `'s`. */
const ELISION: Record<SpacedLanguage, RegExp | undefined> = {
  fr: /^(?:[cdjlmnst]|qu|jusqu|lorsqu|puisqu)'/,
  en: /'s$/,
  de: undefined,
};

const NUMBER = /^[\p{N}.,]+$/u;

/**
 * A comment's distinct terms, for counting which comments use which word (themes/lift.ts): its
 * words (normalized, words.ts), Chinese character runs joined back, Traditional folded to
 * Simplified; less stop words (Chinese words against the Chinese list, the others against the
 * list of the comment's language), numbers and one-letter words. Words are not stemmed: `problem`
 * and `problems` are two terms.
 */
export const termsOf = (comment: string): Term[] => {
  const words = joinSingleHan(wordsOf(comment));
  const spaced = words.filter((w) => !hasHan(w.text)).map((w) => w.text);
  const language = guessLanguage(spaced);
  const elision = ELISION[language];
  const terms = new Map<string, Term>();
  for (const { text } of words) {
    if (hasHan(text)) {
      const term = foldChinese(text);
      // Kept as written: a Traditional comment's term reads in Traditional (lift.ts mostWritten).
      if (!isStopWord(term, 'zh') && !terms.has(term)) terms.set(term, { term, written: text });
      continue;
    }
    if (isStopWord(text, language)) continue;
    const term = elision ? text.replace(elision, '') : text;
    if (term.length < 2 || NUMBER.test(term) || isStopWord(term, language)) continue;
    if (!terms.has(term)) terms.set(term, { term, written: term });
  }
  return [...terms.values()];
};
