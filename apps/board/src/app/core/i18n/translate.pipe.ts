import { Pipe, type PipeTransform, inject } from '@angular/core';
import { I18nService, type MessageParams } from './i18n.service';
import type { MessageKey } from './messages.nl';

/**
 * `{{ 'signIn.title' | t }}`. Impure on purpose: the text depends on the language signal,
 * which a pure pipe's memo would not see change. The lookup is a property read, so cheap.
 */
@Pipe({ name: 't', pure: false })
export class TranslatePipe implements PipeTransform {
  private readonly i18n = inject(I18nService);

  transform(key: MessageKey, params?: MessageParams): string {
    return this.i18n.t(key, params);
  }
}
