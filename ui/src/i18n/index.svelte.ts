/**
 * Finnish and English strings, one JSON file per area of the UI under fi/ and en/ (the same
 * files and keys in both; test/unit/ui-i18n.test.ts checks). `t` falls back to the key.
 */
export type Locale = 'fi' | 'en';
export const LOCALES: ReadonlyArray<[Locale, string]> = [
  ['fi', 'Suomi'],
  ['en', 'English'],
];

const files = import.meta.glob<Record<string, string>>('./*/*.json', { eager: true, import: 'default' });
const messages: Record<Locale, Record<string, string>> = { fi: {}, en: {} };
for (const [file, strings] of Object.entries(files)) {
  const locale = file.split('/')[1] as Locale;
  Object.assign(messages[locale], strings);
}

const stored = typeof localStorage !== 'undefined' ? localStorage.getItem('locale') : null;
export const i18n = $state<{ locale: Locale }>({ locale: stored === 'en' ? 'en' : 'fi' });

export function setLocale(locale: Locale): void {
  i18n.locale = locale;
  localStorage.setItem('locale', locale);
}

/** The string for `key` in the current language, with {name} placeholders filled in. */
export function t(key: string, values: Record<string, string | number> = {}): string {
  const text = messages[i18n.locale][key] ?? key;
  return text.replace(/\{(\w+)\}/g, (whole, name: string) =>
    values[name] === undefined ? whole : String(values[name]),
  );
}

/** A bilingual value from the API (titleFi/titleEn, nameFi/nameEn) in the current language. */
export function pick(fi: string | null | undefined, en: string | null | undefined): string {
  return (i18n.locale === 'fi' ? fi || en : en || fi) ?? '';
}

const formatter = (options: Intl.DateTimeFormatOptions) =>
  new Intl.DateTimeFormat(i18n.locale === 'fi' ? 'fi-FI' : 'en-GB', { timeZone: 'Europe/Helsinki', ...options });

/** Dates are stored in UTC and always shown in Helsinki time. */
export function formatDateTime(iso: string): string {
  // eslint-disable-next-line svelte/prefer-svelte-reactivity -- a one-off value to format, never mutated
  return formatter({ dateStyle: 'medium', timeStyle: 'short' }).format(new Date(iso));
}

export function formatDate(iso: string): string {
  // eslint-disable-next-line svelte/prefer-svelte-reactivity -- a one-off value to format, never mutated
  return formatter({ dateStyle: 'medium' }).format(new Date(iso));
}

export function formatNumber(n: number, digits = 0): string {
  return new Intl.NumberFormat(i18n.locale === 'fi' ? 'fi-FI' : 'en-GB', {
    maximumFractionDigits: digits,
  }).format(n);
}
