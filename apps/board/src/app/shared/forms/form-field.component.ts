import { ChangeDetectionStrategy, Component, booleanAttribute, computed, input } from '@angular/core';
import { type FormControl, ReactiveFormsModule } from '@angular/forms';
import type { MessageKey } from '../../core/i18n/messages.nl';
import { TranslatePipe } from '../../core/i18n/translate.pipe';

/** What the field's control is: an input of that type, a textarea or a select. */
export type FormFieldType = 'text' | 'url' | 'date' | 'datetime-local' | 'textarea' | 'select';

export interface FormFieldOption {
  value: string;
  label: MessageKey;
  /** Shown after the label in brackets, untranslated: a code, say. */
  detail?: string;
}

/**
 * One NL Design System form field bound to a form control: a label (`*` when required), an
 * optional hint, the error message, and the control that names both in `aria-describedby`
 * (hint first). The error summary links to `fieldId`, so that is the control's id.
 */
@Component({
  selector: 'vt-form-field',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [ReactiveFormsModule, TranslatePipe],
  // No box of its own: the form field stays the flex item in a row of fields, as if written in place.
  styles: ':host { display: contents; }',
  template: `
    <div
      class="utrecht-form-field"
      [class.utrecht-form-field--text]="type() !== 'select'"
      [class.utrecht-form-field--invalid]="error()"
    >
      <div class="utrecht-form-field__label">
        <label class="utrecht-form-label" [for]="fieldId()">{{ label() | t }}{{ required() ? ' *' : '' }}</label>
      </div>
      @if (hint(); as hint) {
        <div class="utrecht-form-field__description">
          <p class="utrecht-form-field-description" [id]="fieldId() + '-hint'">{{ hint | t }}</p>
        </div>
      }
      @if (error(); as message) {
        <div class="utrecht-form-field__error-message">
          <p class="utrecht-form-field-error-message" [id]="fieldId() + '-error'" [attr.data-testid]="errorTestId()">{{ message }}</p>
        </div>
      }
      @switch (type()) {
        @case ('select') {
          <select
            class="utrecht-select utrecht-select--html-select vt-select"
            [class.utrecht-select--invalid]="error()"
            [id]="fieldId()"
            [required]="required()"
            [formControl]="control()"
            [attr.aria-invalid]="ariaInvalid()"
            [attr.aria-describedby]="describedBy()"
          >
            @if (emptyOption(); as empty) {
              <option value="">{{ empty | t }}</option>
            }
            @for (option of options(); track option.value) {
              <option [value]="option.value">{{ option.label | t }}{{ option.detail ? ' (' + option.detail + ')' : '' }}</option>
            }
          </select>
        }
        @case ('textarea') {
          <textarea
            class="utrecht-textarea utrecht-textarea--html-textarea vt-textbox"
            [class.vt-textbox--wide]="wide()"
            [class.utrecht-textarea--invalid]="error()"
            [id]="fieldId()"
            [rows]="rows()"
            [maxlength]="maxlength()"
            [attr.spellcheck]="spellcheck()"
            [attr.aria-required]="required() ? 'true' : null"
            [formControl]="control()"
            [attr.aria-invalid]="ariaInvalid()"
            [attr.aria-describedby]="describedBy()"
          ></textarea>
        }
        @default {
          <input
            class="utrecht-textbox utrecht-textbox--html-input vt-textbox"
            [class.vt-textbox--wide]="wide()"
            [class.utrecht-textbox--invalid]="error()"
            [id]="fieldId()"
            [type]="type()"
            [attr.inputmode]="inputmode()"
            [attr.autocomplete]="autocomplete()"
            [attr.autocapitalize]="autocapitalize()"
            [attr.spellcheck]="spellcheck()"
            [maxlength]="maxlength()"
            [required]="required()"
            [formControl]="control()"
            [attr.aria-invalid]="ariaInvalid()"
            [attr.aria-describedby]="describedBy()"
          />
        }
      }
    </div>
  `,
})
export class FormFieldComponent {
  readonly control = input.required<FormControl<string>>();
  /** The control's id; the hint and error take it with `-hint` and `-error`. */
  readonly fieldId = input.required<string>();
  readonly label = input.required<MessageKey>();
  /**
   * Marks the label with `*` and the control as required. A textarea takes `aria-required`
   * rather than `required`: the textarea CSS styles `:invalid` (not `:user-invalid`, as the
   * text box does), so an empty required one would show red before anything was typed.
   */
  readonly required = input(false, { transform: booleanAttribute });
  readonly hint = input<MessageKey | null>(null);
  /** The error text, already translated; null (or undefined) when the field is fine. */
  readonly error = input<string | null, string | null | undefined>(null, { transform: (value) => value ?? null });
  readonly errorTestId = input<string | null>(null);
  readonly type = input<FormFieldType>('text');
  /** The wide text box, for a name, an address or a text. */
  readonly wide = input(false, { transform: booleanAttribute });
  readonly maxlength = input<number | null>(null);
  readonly autocomplete = input<string | null>(null);
  readonly autocapitalize = input<string | null>(null);
  readonly inputmode = input<string | null>(null);
  readonly spellcheck = input<boolean | null>(null);
  /** Textarea only. */
  readonly rows = input(3);
  /** Select only: the choices, and the key of an empty first option ("choose ...") if there is one. */
  readonly options = input<readonly FormFieldOption[]>([]);
  readonly emptyOption = input<MessageKey | null>(null);

  protected readonly ariaInvalid = computed(() => (this.error() ? 'true' : null));
  protected readonly describedBy = computed(() => {
    const ids = [this.hint() ? `${this.fieldId()}-hint` : null, this.error() ? `${this.fieldId()}-error` : null];
    const value = ids.filter((id) => id !== null).join(' ');
    return value === '' ? null : value;
  });
}
