import { Injectable, effect, inject, signal } from '@angular/core';
import { Title } from '@angular/platform-browser';
import { type RouterStateSnapshot, TitleStrategy } from '@angular/router';
import { I18nService } from './i18n.service';
import type { MessageKey } from './messages.nl';

/** A route's `title` is a message key; use this to have the compiler check it. */
export function pageTitle(key: MessageKey): MessageKey {
  return key;
}

/** Every page has its own title (WCAG 2.4.2), in the chosen language, also after a switch. */
@Injectable({ providedIn: 'root' })
export class TranslatedTitleStrategy extends TitleStrategy {
  private readonly title = inject(Title);
  private readonly i18n = inject(I18nService);
  private readonly pageKey = signal<MessageKey | null>(null);

  constructor() {
    super();
    effect(() => {
      const key = this.pageKey();
      this.title.setTitle(key ? this.i18n.t('app.pageTitle', { page: this.i18n.t(key) }) : this.i18n.t('app.name'));
    });
  }

  override updateTitle(snapshot: RouterStateSnapshot): void {
    this.pageKey.set((this.buildTitle(snapshot) as MessageKey | undefined) ?? null);
  }
}
