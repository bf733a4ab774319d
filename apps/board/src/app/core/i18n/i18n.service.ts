import { DOCUMENT, Injectable, inject, signal } from '@angular/core';
import type { Clearance, Role } from '@verkiezingstafel/domain';
import { en } from './messages.en';
import { type MessageKey, nl } from './messages.nl';

/** Dutch first: it is the default and the first choice offered. */
export const LANGUAGES = ['nl', 'en'] as const;
export type Language = (typeof LANGUAGES)[number];
export type MessageParams = Readonly<Record<string, string | number>>;

const DICTIONARIES: Record<Language, Record<MessageKey, string>> = { nl, en };
const STORAGE_KEY = 'verkiezingstafel.language';

function isLanguage(value: string | null): value is Language {
  return value !== null && (LANGUAGES as readonly string[]).includes(value);
}

/**
 * Runtime translations: the language is a signal, so every template and computed text that
 * reads it follows a switch at once, without reloading the board.
 */
@Injectable({ providedIn: 'root' })
export class I18nService {
  private readonly document = inject(DOCUMENT);
  private readonly language$ = signal<Language>(this.storedLanguage());
  readonly language = this.language$.asReadonly();

  constructor() {
    this.document.documentElement.lang = this.language$();
  }

  setLanguage(language: Language): void {
    this.language$.set(language);
    this.document.documentElement.lang = language;
    try {
      this.document.defaultView?.localStorage.setItem(STORAGE_KEY, language);
    } catch {
      // Storage may be unavailable (private mode, policy); the choice then lasts this visit.
    }
  }

  t(key: MessageKey, params?: MessageParams): string {
    const text = DICTIONARIES[this.language$()][key];
    if (!params) return text;
    return text.replace(/\{(\w+)\}/g, (whole, name: string) => (name in params ? String(params[name]) : whole));
  }

  role(role: Role): string {
    return this.t(roleKey(role));
  }

  roles(roles: readonly Role[]): string {
    return roles.map((role) => this.role(role)).join(', ');
  }

  clearance(clearance: Clearance): string {
    return this.t(clearance === 'DEP_V' ? 'clearance.DEP_V' : 'clearance.NONE');
  }

  /** A wait in words, rounded up to whole minutes from one minute on: "3 minuten". */
  duration(seconds: number): string {
    const whole = Math.max(1, Math.ceil(seconds));
    if (whole < 60) return whole === 1 ? this.t('wait.second') : this.t('wait.seconds', { n: whole });
    const minutes = Math.ceil(whole / 60);
    return minutes === 1 ? this.t('wait.minute') : this.t('wait.minutes', { n: minutes });
  }

  private storedLanguage(): Language {
    try {
      const stored = this.document.defaultView?.localStorage.getItem(STORAGE_KEY) ?? null;
      return isLanguage(stored) ? stored : 'nl';
    } catch {
      return 'nl';
    }
  }
}

export function roleKey(role: Role): MessageKey {
  switch (role) {
    case 'liaison':
      return 'role.liaison';
    case 'chair':
      return 'role.chair';
    case 'municipal':
      return 'role.municipal';
    case 'observer':
      return 'role.observer';
    case 'admin':
      return 'role.admin';
  }
}
