import type { Language } from '../core/i18n/i18n.service';

/**
 * A date (`2025-10-29`) or a moment (ISO 8601) as the reader's language writes it; a moment
 * with its time. An en dash for nothing.
 */
export function formatDate(language: Language, value: string | null | undefined): string {
  if (!value) return '–';
  const dateOnly = /^\d{4}-\d{2}-\d{2}$/.test(value);
  // A bare date is a calendar day, not midnight UTC: read it as local so it never shifts a day.
  const date = dateOnly ? new Date(`${value}T00:00:00`) : new Date(value);
  if (Number.isNaN(date.getTime())) return value;
  return date.toLocaleString(language === 'nl' ? 'nl-NL' : 'en-GB', {
    dateStyle: 'medium',
    timeStyle: dateOnly ? undefined : 'short',
  });
}
