import { ChangeDetectionStrategy, Component, computed, input } from '@angular/core';
import { type FormControl, ReactiveFormsModule } from '@angular/forms';
import type { MessageKey } from '../../core/i18n/messages.nl';
import { TranslatePipe } from '../../core/i18n/translate.pipe';

/** A six-digit authenticator code: numeric keyboard, one-time-code autofill, hint and error tied to it. */
@Component({
  selector: 'vt-code-field',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [ReactiveFormsModule, TranslatePipe],
  template: `
    <div class="utrecht-form-field utrecht-form-field--text" [class.utrecht-form-field--invalid]="error()">
      <div class="utrecht-form-field__label">
        <label class="utrecht-form-label" [for]="fieldId()">{{ label() | t }}</label>
      </div>
      <div class="utrecht-form-field__description">
        <p class="utrecht-form-field-description" [id]="fieldId() + '-hint'">{{ hint() | t }}</p>
      </div>
      @if (error(); as message) {
        <div class="utrecht-form-field__error-message">
          <p class="utrecht-form-field-error-message" [id]="fieldId() + '-error'">{{ message }}</p>
        </div>
      }
      <div class="utrecht-form-field__input">
        <input
          class="utrecht-textbox utrecht-textbox--html-input utrecht-textbox--numeric vt-textbox vt-textbox--code"
          [class.utrecht-textbox--invalid]="error()"
          [id]="fieldId()"
          type="text"
          inputmode="numeric"
          autocomplete="one-time-code"
          maxlength="6"
          required
          [formControl]="control()"
          [attr.aria-invalid]="error() ? 'true' : null"
          [attr.aria-describedby]="describedBy()"
        />
      </div>
    </div>
  `,
})
export class CodeFieldComponent {
  readonly control = input.required<FormControl<string>>();
  readonly fieldId = input.required<string>();
  readonly label = input<MessageKey>('security.code');
  readonly hint = input.required<MessageKey>();
  /** The error text, already translated; null when the field is fine. */
  readonly error = input<string | null>(null);

  protected readonly describedBy = computed(() =>
    this.error() ? `${this.fieldId()}-hint ${this.fieldId()}-error` : `${this.fieldId()}-hint`,
  );
}
