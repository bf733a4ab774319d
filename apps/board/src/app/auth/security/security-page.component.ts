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
import { FormControl, FormGroup, ReactiveFormsModule } from '@angular/forms';
import { RouterLink } from '@angular/router';
import { ApiError } from '../../core/api/api-error';
import type { TotpEnrolment } from '../../core/auth/auth.models';
import { AuthService } from '../../core/auth/auth.service';
import { I18nService } from '../../core/i18n/i18n.service';
import { TranslatePipe } from '../../core/i18n/translate.pipe';
import { AlertComponent } from '../../shared/alert.component';
import { CodeFieldComponent } from '../../shared/forms/code-field.component';
import { ErrorSummaryComponent, type SummaryItem } from '../../shared/forms/error-summary.component';
import { type FormMessage, TOTP_PATTERN, renderMessage } from '../../shared/forms/form-message';

const CONFIRM_CODE_ID = 'totp-confirm-code';
const DISABLE_CODE_ID = 'totp-disable-code';
const SETUP_HEADING_ID = 'security-setup';
const RESULT_ID = 'security-result';

/**
 * Two-factor sign-in (TOTP): enrol with a QR code or the secret typed in, confirm with a
 * first code; turn it off with a code unless a role requires it. While the user's role
 * requires enrolment, this is the only page the board shows them.
 */
@Component({
  selector: 'vt-security-page',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [ReactiveFormsModule, RouterLink, TranslatePipe, AlertComponent, ErrorSummaryComponent, CodeFieldComponent],
  templateUrl: './security-page.component.html',
})
export class SecurityPageComponent {
  private readonly auth = inject(AuthService);
  private readonly i18n = inject(I18nService);
  private readonly document = inject(DOCUMENT);
  private readonly injector = inject(Injector);
  private readonly summary = viewChild(ErrorSummaryComponent);

  protected readonly ids = { confirm: CONFIRM_CODE_ID, disable: DISABLE_CODE_ID, setup: SETUP_HEADING_ID, result: RESULT_ID };
  protected readonly user = this.auth.user;
  protected readonly enrolmentRequired = this.auth.enrolmentRequired;
  protected readonly enrolment = signal<TotpEnrolment | null>(null);
  protected readonly groupedSecret = computed(() => this.enrolment()?.secret.match(/.{1,4}/g)?.join(' ') ?? '');
  protected readonly busy = signal(false);
  protected readonly result = signal<'enabled' | 'disabled' | null>(null);
  protected readonly confirmCode = new FormControl('', { nonNullable: true });
  protected readonly disableCode = new FormControl('', { nonNullable: true });
  // A form needs its group directive: without it, submitting (Enter in the code field) would
  // be the browser's own, reloading the page instead of sending the code.
  protected readonly confirmForm = new FormGroup({ code: this.confirmCode });
  protected readonly disableForm = new FormGroup({ code: this.disableCode });

  private readonly codeError = signal<FormMessage | null>(null);
  private readonly formError = signal<FormMessage | null>(null);

  protected readonly codeErrorText = computed(() => {
    const error = this.codeError();
    return error ? renderMessage(this.i18n, error) : null;
  });

  protected readonly summaryItems = computed<SummaryItem[]>(() => {
    const items: SummaryItem[] = [];
    const formError = this.formError();
    if (formError) items.push({ message: renderMessage(this.i18n, formError) });
    const codeError = this.codeErrorText();
    if (codeError) items.push({ message: codeError, fieldId: this.activeCodeId() });
    return items;
  });

  protected async startEnrolment(): Promise<void> {
    if (this.busy()) return;
    this.clearMessages();
    this.busy.set(true);
    try {
      this.enrolment.set(await this.auth.beginTotpEnrolment());
      this.confirmCode.setValue('');
      this.focusById(SETUP_HEADING_ID);
    } catch (error) {
      this.fail(ApiError.from(error));
    } finally {
      this.busy.set(false);
    }
  }

  protected cancelEnrolment(): void {
    this.enrolment.set(null);
    this.clearMessages();
  }

  protected async confirm(): Promise<void> {
    await this.submitCode(this.confirmCode, async (code) => {
      await this.auth.confirmTotp(code);
      this.enrolment.set(null);
      this.result.set('enabled');
    });
  }

  protected async disable(): Promise<void> {
    await this.submitCode(this.disableCode, async (code) => {
      await this.auth.disableTotp(code);
      this.result.set('disabled');
    });
  }

  private async submitCode(control: FormControl<string>, action: (code: string) => Promise<void>): Promise<void> {
    if (this.busy()) return;
    this.clearMessages();
    const code = control.value.trim();
    if (!TOTP_PATTERN.test(code)) {
      this.codeError.set({ key: code === '' ? 'error.codeRequired' : 'error.codeFormat' });
      this.focusSummary();
      return;
    }
    this.busy.set(true);
    try {
      await action(code);
      control.setValue('');
      this.focusById(RESULT_ID);
    } catch (error) {
      control.setValue('');
      this.fail(ApiError.from(error));
    } finally {
      this.busy.set(false);
    }
  }

  private fail(error: ApiError): void {
    if (error.status === 403 && error.code === 'totp_required_by_role') {
      this.formError.set({ key: 'security.error.requiredByRole' });
    } else if ((error.status === 400 || error.status === 422) && error.fieldErrors.some((e) => e.field === 'code')) {
      this.codeError.set({ key: 'security.error.wrongCode' });
    } else if (error.status === 400 && error.code === 'invalid_code') {
      this.codeError.set({ key: 'security.error.wrongCode' });
    } else if (error.isNetworkError) {
      this.formError.set({ key: 'error.network' });
    } else if (error.status !== 401) {
      this.formError.set({ key: 'error.unexpected' });
    }
    this.focusSummary();
  }

  private activeCodeId(): string {
    return this.user()?.totpEnabled ? DISABLE_CODE_ID : CONFIRM_CODE_ID;
  }

  private clearMessages(): void {
    this.codeError.set(null);
    this.formError.set(null);
    this.result.set(null);
  }

  private focusSummary(): void {
    afterNextRender({ write: () => this.summary()?.focus() }, { injector: this.injector });
  }

  private focusById(id: string): void {
    afterNextRender({ write: () => this.document.getElementById(id)?.focus() }, { injector: this.injector });
  }
}
