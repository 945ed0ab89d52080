import { Converter } from 'opencc-js/t2cn';

/**
 * Text as the themes compare it. Comments arrive typed on every kind of keyboard: full-width
 * Latin letters and digits from Chinese input methods (`Ｓｕｐｐｏｒｔ`), curly apostrophes from
 * phones (`don’t`), capitals. NFKC folds the compatibility forms (full width, ligatures), lower
 * case folds capitals, and every apostrophe-like mark becomes `'`, so the stop lists and keywords
 * (written with `'`) match whatever the customer's keyboard produced.
 */
export const normalizeText = (text: string): string =>
  text
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[\u2018\u2019\u02bc\uff07]/g, "'");

const HAN = /\p{Script=Han}/u;
/** Scripts written without spaces between words: keywords in them match as substrings. */
const CJK = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]/u;

export const hasHan = (text: string): boolean => HAN.test(text);
export const hasCjk = (text: string): boolean => CJK.test(text);

let converter: ((text: string) => string) | undefined;
const toSimplified = (text: string): string => {
  const convert = converter ?? Converter({ from: 'twp', to: 'cn' });
  converter = convert;
  return convert(text);
};

/**
 * Traditional Chinese folded to Simplified (OpenCC's Taiwan-phrases table, `twp` → `cn`), so
 * 價格 and 价格 — and 軟體 and 软件 — are one term and one keyword, and one (Simplified) stop list
 * serves both scripts. Built on first use (~0.1 s), and only for text that has Han characters:
 * answers without Chinese never pay for it. Simplified text and other scripts pass unchanged.
 */
export const foldChinese = (text: string): string => {
  return hasHan(text) ? toSimplified(text) : text;
};
