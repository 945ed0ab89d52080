import { IntlMessageFormat } from 'intl-messageformat';
import de from '../i18n/catalogs/de.json' with { type: 'json' };
import en from '../i18n/catalogs/en.json' with { type: 'json' };
import fr from '../i18n/catalogs/fr.json' with { type: 'json' };
import zhCN from '../i18n/catalogs/zh-CN.json' with { type: 'json' };
import zhTW from '../i18n/catalogs/zh-TW.json' with { type: 'json' };

/**
 * What customers read — emails, survey pages, reminders, follow-ups — from one message catalog per
 * locale (shared/i18n/catalogs/<locale>.json), in ICU MessageFormat, formatted by intl-messageformat:
 * placeholders, plurals and numbers as each language has them, never a hand-rolled replace. English
 * is the reference: every catalog holds its keys (test/unit/messages.test.ts).
 */
export type MessageKey = keyof typeof en;
export type Catalog = Record<MessageKey, string>;

export const CATALOGS: Record<string, Catalog> = { en, de, fr, 'zh-CN': zhCN, 'zh-TW': zhTW };
export type SupportedLocale = keyof typeof CATALOGS;

/**
 * The catalog for a customer's locale: `zh`, `zh-CN`, `zh-Hans…`, `zh-SG` → zh-CN (simplified);
 * `zh-TW`, `zh-HK`, `zh-MO`, `zh-Hant…` → zh-TW (traditional); otherwise by language; else en.
 */
export const resolveLocale = (locale: string | undefined): string => {
  const tag = (locale ?? '').trim().replace(/_/g, '-').toLowerCase();
  if (tag === 'zh' || tag.startsWith('zh-')) {
    if (tag.startsWith('zh-hans')) return 'zh-CN';
    return /^zh-(hant|tw|hk|mo)\b/.test(tag) ? 'zh-TW' : 'zh-CN';
  }
  const language = tag.slice(0, 2);
  return language in CATALOGS ? language : 'en';
};

export interface Messages {
  /** The catalog's locale (for `lang` attributes and number formats). */
  locale: string;
  t: (key: MessageKey, values?: Record<string, string | number>) => string;
}

const formatters = new Map<string, IntlMessageFormat>();

const formatter = (locale: string, key: MessageKey): IntlMessageFormat => {
  const id = `${locale}\u0000${key}`;
  let f = formatters.get(id);
  if (!f) {
    f = new IntlMessageFormat((CATALOGS[locale] ?? en)[key], locale);
    formatters.set(id, f);
  }
  return f;
};

export const messagesFor = (locale: string | undefined): Messages => {
  const resolved = resolveLocale(locale);
  return {
    locale: resolved,
    t: (key, values) => String(formatter(resolved, key).format(values)),
  };
};

/**
 * A campaign's own wording (`question`, typed by an admin) with `{brand}` in it: not a catalog
 * message, so not parsed as ICU (an apostrophe or a brace in it must stay as typed).
 */
export const withBrand = (template: string, brand: string): string => template.replaceAll('{brand}', brand);
