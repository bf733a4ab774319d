import {
  ChangeDetectionStrategy,
  Component,
  DOCUMENT,
  Injector,
  afterNextRender,
  computed,
  inject,
  signal,
  viewChild,
} from '@angular/core';
import { NonNullableFormBuilder, ReactiveFormsModule } from '@angular/forms';
import { Router } from '@angular/router';
import { ApiError } from '../../core/api/api-error';
import { SECURITY_PATH } from '../../core/auth/auth.models';
import { AuthService } from '../../core/auth/auth.service';
import { I18nService } from '../../core/i18n/i18n.service';
import { TranslatePipe } from '../../core/i18n/translate.pipe';
import { AlertComponent } from '../../shared/alert.component';
import { CodeFieldComponent } from '../../shared/forms/code-field.component';
import { ErrorSummaryComponent, type SummaryItem } from '../../shared/forms/error-summary.component';
import { EMAIL_PATTERN, type FormMessage, TOTP_PATTERN, renderMessage } from '../../shared/forms/form-message';

type Field = 'email' | 'password' | 'code';
type FieldErrors = Partial<Record<Field, FormMessage>>;

const FIELD_IDS: Record<Field, string> = {
  email: 'sign-in-email',
  password: 'sign-in-password',
  code: 'sign-in-code',
};

const FIELD_MESSAGES: Record<Field, FormMessage> = {
  email: { key: 'signIn.error.emailInvalid' },
  password: { key: 'signIn.error.passwordRequired' },
  code: { key: 'error.codeFormat' },
};

function isField(value: string): value is Field {
  return value === 'email' || value === 'password' || value === 'code';
}

/**
 * Sign-in with e-mail and password, then, when the API asks for it (`totp_required`), the code
 * from the authenticator app. Errors appear in a summary that takes focus and next to their
 * fields; the API never says which part of the credentials was wrong, and neither do we.
 */
@Component({
  selector: 'vt-sign-in-page',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [ReactiveFormsModule, TranslatePipe, AlertComponent, ErrorSummaryComponent, CodeFieldComponent],
  templateUrl: './sign-in-page.component.html',
})
export class SignInPageComponent {
  private readonly auth = inject(AuthService);
  private readonly router = inject(Router);
  private readonly i18n = inject(I18nService);
  private readonly document = inject(DOCUMENT);
  private readonly injector = inject(Injector);
  private readonly summary = viewChild(ErrorSummaryComponent);

  protected readonly ids = FIELD_IDS;
  protected readonly form = inject(NonNullableFormBuilder).group({ email: '', password: '', code: '' });
  protected readonly needsCode = signal(false);
  protected readonly busy = signal(false);
  protected readonly notice = this.auth.notice;
  private readonly fieldErrors = signal<FieldErrors>({});
  private readonly formError = signal<FormMessage | null>(null);

  protected readonly errors = computed(() => {
    const errors = this.fieldErrors();
    const render = (field: Field) => {
      const message = errors[field];
      return message ? renderMessage(this.i18n, message) : null;
    };
    return { email: render('email'), password: render('password'), code: render('code') };
  });

  protected readonly summaryItems = computed<SummaryItem[]>(() => {
    const items: SummaryItem[] = [];
    const formError = this.formError();
    if (formError) {
      items.push({ message: renderMessage(this.i18n, formError), fieldId: this.needsCode() ? FIELD_IDS.code : FIELD_IDS.email });
    }
    const errors = this.errors();
    for (const field of ['email', 'password', 'code'] as const) {
      const message = errors[field];
      if (message) items.push({ fieldId: FIELD_IDS[field], message });
    }
    return items;
  });

  protected describedBy(field: Field): string | null {
    return this.fieldErrors()[field] ? `${FIELD_IDS[field]}-error` : null;
  }

  protected async submit(): Promise<void> {
    if (this.busy()) return;
    const { email, password, code } = this.form.getRawValue();
    const credentials = { email: email.trim(), password, code: code.trim() };
    const errors = this.validate(credentials);
    this.formError.set(null);
    this.fieldErrors.set(errors);
    if (Object.keys(errors).length > 0) {
      this.focusSummary();
      return;
    }

    this.busy.set(true);
    try {
      const user = await this.auth.signIn({
        email: credentials.email,
        password: credentials.password,
        code: this.needsCode() ? credentials.code : undefined,
      });
      await this.router.navigateByUrl(user.totpEnrolmentRequired ? SECURITY_PATH : '/');
    } catch (error) {
      this.handleError(ApiError.from(error));
    } finally {
      this.busy.set(false);
    }
  }

  private validate(credentials: { email: string; password: string; code: string }): FieldErrors {
    const errors: FieldErrors = {};
    if (credentials.email === '') errors.email = { key: 'signIn.error.emailRequired' };
    else if (!EMAIL_PATTERN.test(credentials.email)) errors.email = { key: 'signIn.error.emailInvalid' };
    if (credentials.password === '') errors.password = { key: 'signIn.error.passwordRequired' };
    if (this.needsCode()) {
      if (credentials.code === '') errors.code = { key: 'error.codeRequired' };
      else if (!TOTP_PATTERN.test(credentials.code)) errors.code = { key: 'error.codeFormat' };
    }
    return errors;
  }

  private handleError(error: ApiError): void {
    if (error.status === 401 && error.code === 'totp_required') {
      this.auth.clearNotice();
      this.needsCode.set(true);
      this.form.controls.code.setValue('');
      afterNextRender({ write: () => this.document.getElementById(FIELD_IDS.code)?.focus() }, { injector: this.injector });
      return;
    }
    if (error.status === 400 && error.fieldErrors.length > 0) {
      const errors: FieldErrors = {};
      for (const { field } of error.fieldErrors) {
        if (isField(field)) errors[field] = FIELD_MESSAGES[field];
      }
      if (Object.keys(errors).length === 0) this.formError.set({ key: 'error.unexpected' });
      this.fieldErrors.set(errors);
    } else if (error.status === 401) {
      if (this.needsCode()) this.form.controls.code.setValue('');
      this.formError.set({ key: 'signIn.error.invalidCredentials' });
    } else if (error.status === 429) {
      this.formError.set(
        error.retryAfterSeconds === null
          ? { key: 'signIn.error.tooManyAttemptsLater' }
          : { key: 'signIn.error.tooManyAttempts', waitSeconds: error.retryAfterSeconds },
      );
    } else if (error.isNetworkError) {
      this.formError.set({ key: 'error.network' });
    } else {
      this.formError.set({ key: 'error.unexpected' });
    }
    this.focusSummary();
  }

  private focusSummary(): void {
    afterNextRender({ write: () => this.summary()?.focus() }, { injector: this.injector });
  }
}
