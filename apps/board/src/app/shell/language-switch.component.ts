import { ChangeDetectionStrategy, Component, inject } from '@angular/core';
import { I18nService, LANGUAGES, type Language } from '../core/i18n/i18n.service';
import type { MessageKey } from '../core/i18n/messages.nl';
import { TranslatePipe } from '../core/i18n/translate.pipe';

const LANGUAGE_NAMES = { nl: 'language.nl', en: 'language.en' } as const satisfies Record<Language, MessageKey>;

/**
 * Dutch first. Each language is named in itself and marked with its own `lang`, so a screen
 * reader pronounces "English" in English on a Dutch page. The current one is pressed, shown
 * by weight and a bar, not by colour alone.
 */
@Component({
  selector: 'vt-language-switch',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [TranslatePipe],
  template: `
    <nav class="vt-language" [attr.aria-label]="'language.nav' | t">
      <ul class="vt-language__list">
        @for (language of languages; track language) {
          <li class="vt-language__item">
            <button
              type="button"
              class="vt-language__button"
              [attr.lang]="language"
              [attr.aria-pressed]="i18n.language() === language"
              (click)="i18n.setLanguage(language)"
            >
              {{ names[language] | t }}
            </button>
          </li>
        }
      </ul>
    </nav>
  `,
})
export class LanguageSwitchComponent {
  protected readonly i18n = inject(I18nService);
  protected readonly languages = LANGUAGES;
  protected readonly names = LANGUAGE_NAMES;
}
