import { ChangeDetectionStrategy, Component, DOCUMENT, computed, inject, signal, viewChild } from '@angular/core';
import { NonNullableFormBuilder, ReactiveFormsModule } from '@angular/forms';
import { RouterLink } from '@angular/router';
import { type InvitationSummary, TEXT_LIMITS, textLength } from '@verkiezingstafel/domain';
import { UsersApi } from '../../admin/users/users.api';
import { ApiError } from '../../core/api/api-error';
import { I18nService } from '../../core/i18n/i18n.service';
import type { MessageKey } from '../../core/i18n/messages.nl';
import { TranslatePipe } from '../../core/i18n/translate.pipe';
import { AlertComponent } from '../../shared/alert.component';
import { formatDate } from '../../shared/dates';
import { ErrorSummaryComponent } from '../../shared/forms/error-summary.component';
import { injectFieldErrors } from '../../shared/forms/field-errors';
import type { FormMessage } from '../../shared/forms/form-message';

type Field = 'password' | 'repeat';

const FIELD_IDS: Record<Field, string> = { password: 'invitation-password', repeat: 'invitation-repeat' };

/** Why a link does not work (the API's code), in the page's words. */
const SPENT_KEY: Record<string, MessageKey> = {
  invitation_unknown: 'invitation.unknown',
  invitation_used: 'invitation.used',
  invitation_expired: 'invitation.expired',
  invitation_revoked: 'invitation.revoked',
};

/**
 * The page an invitation mail links to: the token is in the fragment (never sent to a server
 * log), the page shows whom the link is for, and the user chooses a password to sign in with.
 */
@Component({
  selector: 'vt-invitation-page',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [ReactiveFormsModule, RouterLink, TranslatePipe, AlertComponent, ErrorSummaryComponent],
  templateUrl: './invitation-page.component.html',
})
export class InvitationPageComponent {
  private readonly api = inject(UsersApi);
  private readonly i18n = inject(I18nService);
  private readonly document = inject(DOCUMENT);
  private readonly summary = viewChild(ErrorSummaryComponent);

  protected readonly ids = FIELD_IDS;
  protected readonly minLength = TEXT_LIMITS.newPassword.min;
  protected readonly maxLength = TEXT_LIMITS.newPassword.max;
  protected readonly invitation = signal<InvitationSummary | null>(null);
  protected readonly spent = signal<MessageKey | null>(null);
  protected readonly done = signal<string | null>(null);
  protected readonly busy = signal(false);
  protected readonly expiresAt = computed(() => {
    const invitation = this.invitation();
    return invitation ? formatDate(this.i18n.language(), invitation.expiresAt) : '';
  });

  protected readonly form = inject(NonNullableFormBuilder).group({ password: '', repeat: '' });
  private readonly fieldErrors = injectFieldErrors(FIELD_IDS, this.summary);
  protected readonly errors = this.fieldErrors.texts;
  protected readonly summaryItems = this.fieldErrors.summary;
  private readonly token: string;

  constructor() {
    const view = this.document.defaultView;
    this.token = decodeURIComponent((view?.location.hash ?? '').replace(/^#/, ''));
    // The token is a credential: it leaves the address bar (and the history) at once.
    view?.history.replaceState(view.history.state, '', view.location.pathname);
    void this.lookup();
  }

  protected async submit(): Promise<void> {
    if (this.busy()) return;
    const { password, repeat } = this.form.getRawValue();
    const local: Partial<Record<Field, FormMessage>> = {};
    const length = textLength(password);
    if (password === '') local.password = { key: 'invitation.error.required' };
    else if (length < this.minLength) local.password = { key: 'invitation.error.tooShort', params: { min: this.minLength } };
    else if (length > this.maxLength) local.password = { key: 'invitation.error.tooLong', params: { max: this.maxLength } };
    else if (repeat !== password) local.repeat = { key: 'invitation.error.repeat' };
    if (Object.keys(local).length > 0) {
      this.fieldErrors.set(local);
      this.fieldErrors.focusSummary();
      return;
    }
    this.fieldErrors.set({});
    this.busy.set(true);
    try {
      const { email } = await this.api.acceptInvitation(this.token, password);
      this.done.set(email);
      this.form.reset();
    } catch (error) {
      const failure = ApiError.from(error);
      const code = failure.code ?? '';
      if (SPENT_KEY[code]) {
        this.spent.set(SPENT_KEY[code]);
      } else if (failure.fieldErrors.some((e) => e.field === 'password')) {
        const reason = failure.fieldErrors.find((e) => e.field === 'password')?.code;
        this.fieldErrors.set({
          password:
            reason === 'too_short'
              ? { key: 'invitation.error.tooShort', params: { min: this.minLength } }
              : reason === 'too_long'
                ? { key: 'invitation.error.tooLong', params: { max: this.maxLength } }
                : reason === 'not_allowed'
                  ? { key: 'invitation.error.notAllowed' }
                  : { key: 'invitation.error.required' },
        });
        this.fieldErrors.focusSummary();
      } else {
        this.spent.set(failure.isNetworkError ? 'error.network' : 'error.unexpected');
      }
    } finally {
      this.busy.set(false);
    }
  }

  private async lookup(): Promise<void> {
    if (this.token === '') {
      this.spent.set('invitation.unknown');
      return;
    }
    try {
      this.invitation.set(await this.api.invitation(this.token));
    } catch (error) {
      const failure = ApiError.from(error);
      this.spent.set(SPENT_KEY[failure.code ?? ''] ?? (failure.status === 400 ? 'invitation.unknown' : failure.isNetworkError ? 'error.network' : 'error.unexpected'));
    }
  }
}
