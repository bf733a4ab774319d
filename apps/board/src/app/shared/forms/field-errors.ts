import { Injector, type Signal, afterNextRender, computed, inject, signal } from '@angular/core';
import { I18nService } from '../../core/i18n/i18n.service';
import type { ErrorSummaryComponent, SummaryItem } from './error-summary.component';
import { type FormMessage, renderMessage } from './form-message';

export type FieldMessages<F extends string> = Partial<Record<F, FormMessage>>;

/** The field errors of one form, and the error summary above it that links to each field. */
export interface FieldErrors<F extends string> {
  /** Each field's error in the current language. */
  readonly texts: Signal<Partial<Record<F, string>>>;
  /** The errors in the order of the fields, each linking to its field's id. */
  readonly summary: Signal<SummaryItem[]>;
  set(messages: FieldMessages<F>): void;
  /** Focus the error summary once it is rendered, so it is read out and the links are next. */
  focusSummary(): void;
}

/**
 * Field errors kept as messages, so they follow a language switch while on screen. `ids` names
 * each field's control, in the order of the form; `summary` is the form's error summary.
 */
export function injectFieldErrors<F extends string>(
  ids: Readonly<Record<F, string>>,
  summary: Signal<ErrorSummaryComponent | undefined>,
): FieldErrors<F> {
  const i18n = inject(I18nService);
  const injector = inject(Injector);
  const fields = Object.keys(ids) as F[];
  const messages = signal<FieldMessages<F>>({});

  const texts = computed(() => {
    const current = messages();
    const result: Partial<Record<F, string>> = {};
    for (const field of fields) {
      const message = current[field];
      if (message) result[field] = renderMessage(i18n, message);
    }
    return result;
  });

  return {
    texts,
    summary: computed(() => {
      const current = texts();
      return fields.flatMap((field) => {
        const message = current[field];
        return message ? [{ fieldId: ids[field], message }] : [];
      });
    }),
    set: (next) => messages.set(next),
    focusSummary: () => afterNextRender({ write: () => summary()?.focus() }, { injector }),
  };
}
