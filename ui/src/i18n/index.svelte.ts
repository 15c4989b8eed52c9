import fi from './fi.json';
import en from './en.json';

export type Locale = 'fi' | 'en';
export type MessageKey = keyof typeof fi;
const messages: Record<Locale, Record<MessageKey, string>> = { fi, en };

export const i18n = $state<{ locale: Locale }>({ locale: 'fi' });

export function t(key: string): string {
  return messages[i18n.locale][key as MessageKey] ?? key;
}

/** Dates are stored in UTC and always shown in Helsinki time. */
export function formatDateTime(iso: string): string {
  return new Intl.DateTimeFormat(i18n.locale === 'fi' ? 'fi-FI' : 'en-GB', {
    dateStyle: 'medium',
    timeStyle: 'short',
    timeZone: 'Europe/Helsinki',
    // eslint-disable-next-line svelte/prefer-svelte-reactivity -- a one-off value to format, never mutated
  }).format(new Date(iso));
}
