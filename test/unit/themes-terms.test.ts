import { describe, expect, it } from 'vitest';
import { foldChinese, normalizeText } from '../../shared/themes/normalize.ts';
import { guessLanguage, isStopWord } from '../../shared/themes/stopwords.ts';
import { termsOf } from '../../shared/themes/terms.ts';
import { wordsOf } from '../../shared/themes/words.ts';

const words = (text: string) => wordsOf(text).map((w) => w.text);
const terms = (text: string) => termsOf(text).map((t) => t.term);

describe('words of a comment', () => {
  it('splits English on spaces and punctuation, lower-cased, numbers kept as words', () => {
    expect(words('The support team never called back — 3 days!')).toEqual([
      'the',
      'support',
      'team',
      'never',
      'called',
      'back',
      '3',
      'days',
    ]);
  });

  it('folds full-width letters and curly apostrophes typed on phones and Chinese keyboards', () => {
    expect(normalizeText('Ｓｕｐｐｏｒｔ don’t ＡＢＣ１２')).toBe("support don't abc12");
    expect(words('Ｓｕｐｐｏｒｔ was SLOW; don’t buy.')).toEqual(['support', 'was', 'slow', "don't", 'buy']);
  });

  it('splits Chinese into the words of the segmenter dictionary, unknown words into characters', () => {
    expect(words('客服太慢了，价格也太贵')).toEqual(['客', '服', '太慢', '了', '价格', '也', '太', '贵']);
    expect(words('客服態度很差，價格太貴了')).toEqual([
      '客',
      '服',
      '態度',
      '很',
      '差',
      '價格',
      '太',
      '貴',
      '了',
    ]);
  });

  it('splits a comment that mixes scripts at the change of script', () => {
    expect(words('App经常闪退，登录不了')).toEqual(['app', '经常', '闪', '退', '登录', '不了']);
  });
});

describe('terms of a comment', () => {
  it('drops English stop words, numbers and possessive s', () => {
    expect(terms('The support team never called back — 3 days!')).toEqual([
      'support',
      'team',
      'called',
      'days',
    ]);
    expect(terms("The car was late and the driver's app crashed")).toEqual([
      'car',
      'late',
      'driver',
      'app',
      'crashed',
    ]);
  });

  it('keeps the feedback words that the search-engine stop list would drop', () => {
    expect(isStopWord('the', 'en')).toBe(true);
    expect(isStopWord('problem', 'en')).toBe(false);
    expect(isStopWord('website', 'en')).toBe(false);
    expect(terms('Same problem with the website again')).toEqual(['problem', 'website']);
  });

  it('joins the characters of a word the dictionary does not know, and drops Chinese stop words', () => {
    expect(terms('客服太慢了，价格也太贵')).toEqual(['客服', '太慢', '价格', '太贵']);
    expect(terms('App经常闪退，登录不了')).toEqual(['app', '经常', '闪退', '登录', '不了']);
  });

  it('counts Traditional Chinese as Simplified, keeps how it was written, and applies the same stop words', () => {
    expect(foldChinese('價格太貴，軟體常常閃退')).toBe('价格太贵，软件常常闪退');
    expect(isStopWord(foldChinese('這個'), 'zh')).toBe(true);
    const found = termsOf('客服態度很差，價格太貴了');
    expect(found.map((t) => t.term)).toEqual(['客服', '态度', '差', '价格', '太贵']);
    expect(found.map((t) => t.written)).toEqual(['客服', '態度', '差', '價格', '太貴']);
  });

  it('removes the stop words of the comment’s own language: German and French too', () => {
    expect(terms('Der Kundendienst ist langsam und leider sehr teuer.')).toEqual([
      'kundendienst',
      'langsam',
      'leider',
      'teuer',
    ]);
    // French elisions go (l'application → application); `cher` (expensive) is a feedback word.
    expect(terms('Le service client est très lent, c’est cher et l’application plante.')).toEqual([
      'service',
      'client',
      'lent',
      'cher',
      'application',
      'plante',
    ]);
  });

  it('tells the language of a comment by its stop words, English on a tie', () => {
    expect(guessLanguage(['the', 'car', 'was', 'late'])).toBe('en');
    // `car` is a French stop word ("because"); it stays a term in an English comment.
    expect(terms('The car was late')).toEqual(['car', 'late']);
    expect(guessLanguage(["c'est", 'cher', 'car', 'le', 'service', 'est', 'lent'])).toBe('fr');
    expect(guessLanguage(['der', 'kundendienst', 'ist', 'langsam'])).toBe('de');
    expect(guessLanguage(['hola'])).toBe('en');
  });

  it('lists each term once per comment', () => {
    expect(terms('Slow, slow, SLOW support')).toEqual(['slow', 'support']);
    expect(terms('')).toEqual([]);
  });
});
