import { ChangeDetectionStrategy, Component, computed, inject, signal, viewChild } from '@angular/core';
import { NonNullableFormBuilder, ReactiveFormsModule } from '@angular/forms';
import { Router, RouterLink } from '@angular/router';
import { type Agency, type Clearance, TEXT_LIMITS, textLength } from '@verkiezingstafel/domain';
import { ApiError } from '../../core/api/api-error';
import { I18nService } from '../../core/i18n/i18n.service';
import { TranslatePipe } from '../../core/i18n/translate.pipe';
import { AlertComponent } from '../../shared/alert.component';
import { ErrorSummaryComponent } from '../../shared/forms/error-summary.component';
import { injectFieldErrors } from '../../shared/forms/field-errors';
import { EMAIL_PATTERN, type FormMessage, renderMessage } from '../../shared/forms/form-message';
import { SignalsApi } from '../../signals/signals.api';
import { USER_FIELD_IDS, UserFieldsComponent, userFieldsForm } from './user-fields.component';
import { chosenRoles, type UserField, userFieldMessage, userFieldMessages } from './user-form';
import { UsersApi } from './users.api';

const FIELDS: readonly UserField[] = ['email', 'name', 'agency', 'roles', 'clearance'];

/**
 * A new account: the administrator fills in who it is, for which agency, with which roles and
 * clearance; the hub mails the user a one-time link to set a password.
 */
@Component({
  selector: 'vt-new-user-page',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [ReactiveFormsModule, RouterLink, TranslatePipe, AlertComponent, ErrorSummaryComponent, UserFieldsComponent],
  template: `
    <p class="nl-paragraph"><a class="nl-link" routerLink="/beheer/gebruikers">{{ 'users.back' | t }}</a></p>
    <h1 class="nl-heading nl-heading--level-1" tabindex="-1">{{ 'users.newTitle' | t }}</h1>
    <p class="nl-paragraph vt-intro">{{ 'users.newIntro' | t }}</p>

    <form class="vt-form" novalidate [formGroup]="form" (ngSubmit)="submit()" data-testid="new-user-form">
      @if (summaryItems().length > 0) {
        <vt-error-summary [items]="summaryItems()" headingId="new-user-errors" />
      }
      <vt-user-fields [form]="form" [agencies]="agencies()" [errors]="errors()" />
      <div class="vt-actions">
        <button type="submit" class="utrecht-button utrecht-button--primary-action" data-testid="create-user" [attr.aria-disabled]="busy() || null">
          {{ (busy() ? 'users.creating' : 'users.create') | t }}
        </button>
      </div>
      <div role="status" aria-live="polite">
        @if (failure(); as failure) {
          <vt-alert type="error"><p class="nl-paragraph">{{ failure }}</p></vt-alert>
        }
      </div>
    </form>
  `,
})
export class NewUserPageComponent {
  private readonly api = inject(UsersApi);
  private readonly signalsApi = inject(SignalsApi);
  private readonly i18n = inject(I18nService);
  private readonly router = inject(Router);
  private readonly summary = viewChild(ErrorSummaryComponent);

  protected readonly agencies = signal<Agency[]>([]);
  protected readonly busy = signal(false);
  private readonly failureMessage = signal<FormMessage | null>(null);
  protected readonly failure = computed(() => {
    const message = this.failureMessage();
    return message ? renderMessage(this.i18n, message) : null;
  });

  protected readonly form = userFieldsForm(inject(NonNullableFormBuilder));
  private readonly fieldErrors = injectFieldErrors(USER_FIELD_IDS, this.summary);
  protected readonly errors = this.fieldErrors.texts;
  protected readonly summaryItems = this.fieldErrors.summary;

  constructor() {
    void this.signalsApi.agencies().then((agencies) => this.agencies.set(agencies), () => undefined);
  }

  protected async submit(): Promise<void> {
    if (this.busy()) return;
    this.failureMessage.set(null);
    const value = this.form.getRawValue();
    const email = value.email.trim();
    const name = value.name.trim();
    const roles = chosenRoles(value.roles);
    // The board's own first check; the API decides.
    const local: Partial<Record<UserField, FormMessage>> = {};
    if (email === '') local.email = userFieldMessage('email', 'required');
    else if (!EMAIL_PATTERN.test(email) || textLength(email) > TEXT_LIMITS.email.max) local.email = userFieldMessage('email', 'invalid_format');
    if (name === '') local.name = userFieldMessage('name', 'required');
    else if (textLength(name) > TEXT_LIMITS.userName.max) local.name = userFieldMessage('name', 'too_long');
    if (value.agency === '') local.agency = userFieldMessage('agency', 'required');
    if (roles.length === 0) local.roles = userFieldMessage('roles', 'too_few');
    if (Object.keys(local).length > 0) {
      this.fieldErrors.set(local);
      this.fieldErrors.focusSummary();
      return;
    }
    this.fieldErrors.set({});
    this.busy.set(true);
    try {
      const created = await this.api.create({ email, name, agency: value.agency, roles, clearance: value.clearance as Clearance });
      await this.router.navigate(['/beheer/gebruikers', created.id], { state: { created: true } });
    } catch (error) {
      const failure = ApiError.from(error);
      const messages = userFieldMessages(failure.fieldErrors, FIELDS);
      if (Object.keys(messages).length > 0) {
        this.fieldErrors.set(messages);
        this.fieldErrors.focusSummary();
      } else {
        this.failureMessage.set({ key: failure.isNetworkError ? 'error.network' : 'error.unexpected' });
      }
    } finally {
      this.busy.set(false);
    }
  }
}
