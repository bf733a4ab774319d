import { ChangeDetectionStrategy, Component, type ElementRef, Injector, afterNextRender, computed, inject, signal, viewChild } from '@angular/core';
import { NonNullableFormBuilder, ReactiveFormsModule } from '@angular/forms';
import { ActivatedRoute, Router, RouterLink } from '@angular/router';
import { type Agency, type Clearance, type ManagedUser, TEXT_LIMITS, textLength } from '@verkiezingstafel/domain';
import { ApiError } from '../../core/api/api-error';
import { AuthService } from '../../core/auth/auth.service';
import { I18nService } from '../../core/i18n/i18n.service';
import type { MessageKey } from '../../core/i18n/messages.nl';
import { TranslatePipe } from '../../core/i18n/translate.pipe';
import { AlertComponent } from '../../shared/alert.component';
import { formatDate } from '../../shared/dates';
import { ErrorSummaryComponent } from '../../shared/forms/error-summary.component';
import { injectFieldErrors } from '../../shared/forms/field-errors';
import { type FormMessage, renderMessage } from '../../shared/forms/form-message';
import { SignalsApi } from '../../signals/signals.api';
import { MAIL_STATE_KEY, USER_STATE_KEY } from './user-labels';
import { USER_FIELD_IDS, UserFieldsComponent, userFieldsForm } from './user-fields.component';
import { chosenRoles, type UserField, userFieldMessage, userFieldMessages } from './user-form';
import { UsersApi } from './users.api';

type Action = 'deactivate' | 'reactivate' | 'resetPassword' | 'resetTotp';

const FIELDS: readonly UserField[] = ['name', 'agency', 'roles', 'clearance'];

const DONE_KEY = {
  deactivate: 'users.done.deactivate',
  reactivate: 'users.done.reactivate',
  resetPassword: 'users.done.resetPassword',
  resetTotp: 'users.done.resetTotp',
} as const satisfies Record<Action, MessageKey>;

const CONFIRM_KEY = {
  deactivate: 'users.confirm.deactivate',
  reactivate: 'users.confirm.reactivate',
  resetPassword: 'users.confirm.resetPassword',
  resetTotp: 'users.confirm.resetTotp',
} as const satisfies Record<Action, MessageKey>;

const ACTION_KEY = {
  deactivate: 'users.action.deactivate',
  reactivate: 'users.action.reactivate',
  resetPassword: 'users.action.resetPassword',
  resetTotp: 'users.action.resetTotp',
} as const satisfies Record<Action, MessageKey>;

/**
 * One account: its facts, its invitation and the mail that carried it; its agency, roles and
 * clearance to change; deactivation and the resets. An administrator's own access is changed
 * by another administrator, so those controls are not offered on one's own account.
 */
@Component({
  selector: 'vt-user-page',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [ReactiveFormsModule, RouterLink, TranslatePipe, AlertComponent, ErrorSummaryComponent, UserFieldsComponent],
  templateUrl: './user-page.component.html',
})
export class UserPageComponent {
  private readonly api = inject(UsersApi);
  private readonly signalsApi = inject(SignalsApi);
  private readonly i18n = inject(I18nService);
  private readonly auth = inject(AuthService);
  private readonly route = inject(ActivatedRoute);
  private readonly router = inject(Router);
  private readonly injector = inject(Injector);
  private readonly fb = inject(NonNullableFormBuilder);
  private readonly summary = viewChild(ErrorSummaryComponent);
  private readonly confirmButton = viewChild<ElementRef<HTMLButtonElement>>('confirmButton');

  protected readonly stateKey = USER_STATE_KEY;
  protected readonly mailKey = MAIL_STATE_KEY;
  protected readonly confirmKey = CONFIRM_KEY;
  protected readonly actionKey = ACTION_KEY;

  protected readonly user = signal<ManagedUser | null>(null);
  protected readonly agencies = signal<Agency[]>([]);
  protected readonly loadFailure = signal<MessageKey | null>(null);
  protected readonly busy = signal(false);
  protected readonly confirming = signal<Action | null>(null);
  private readonly notice = signal<{ type: 'ok' | 'error' | 'warning'; message: FormMessage } | null>(null);
  protected readonly noticeText = computed(() => {
    const notice = this.notice();
    return notice ? { type: notice.type, text: renderMessage(this.i18n, notice.message) } : null;
  });
  /** Shown right after the account was made. */
  protected readonly justCreated = signal(false);

  protected readonly form = userFieldsForm(this.fb);
  private readonly fieldErrors = injectFieldErrors(USER_FIELD_IDS, this.summary);
  protected readonly errors = this.fieldErrors.texts;
  protected readonly summaryItems = this.fieldErrors.summary;

  /** The administrator's own account: no controls that change its access. */
  protected readonly own = computed(() => this.user()?.id === this.auth.user()?.id);

  constructor() {
    this.justCreated.set((this.router.getCurrentNavigation()?.extras.state as { created?: boolean } | undefined)?.created === true);
    void this.signalsApi.agencies().then((agencies) => this.agencies.set(agencies), () => undefined);
    void this.load();
  }

  protected date(value: string | null): string {
    return value ? formatDate(this.i18n.language(), value) : this.i18n.t('users.never');
  }

  protected roles(user: ManagedUser): string {
    return this.i18n.roles(user.roles);
  }

  protected clearance(user: ManagedUser): string {
    return this.i18n.clearance(user.clearance);
  }

  protected async save(): Promise<void> {
    const user = this.user();
    if (!user || this.busy()) return;
    this.notice.set(null);
    const value = this.form.getRawValue();
    const name = value.name.trim();
    const roles = chosenRoles(value.roles);
    const local: Partial<Record<UserField, FormMessage>> = {};
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
    // Only what changed: an unchanged field is no change of one's own access.
    const change: Parameters<UsersApi['update']>[1] = { version: user.version };
    if (name !== user.name) change.name = name;
    if (value.agency !== user.agency.code) change.agency = value.agency;
    if (roles.join() !== user.roles.join()) change.roles = roles;
    if (value.clearance !== user.clearance) change.clearance = value.clearance as Clearance;
    if (Object.keys(change).length === 1) {
      this.notice.set({ type: 'ok', message: { key: 'users.done.nothing' } });
      return;
    }
    await this.run(() => this.api.update(user.id, change), { key: 'users.done.saved' });
  }

  protected ask(action: Action): void {
    this.notice.set(null);
    this.confirming.set(action);
    afterNextRender({ write: () => this.confirmButton()?.nativeElement.focus() }, { injector: this.injector });
  }

  protected cancel(): void {
    this.confirming.set(null);
  }

  protected async confirm(): Promise<void> {
    const user = this.user();
    const action = this.confirming();
    if (!user || !action) return;
    this.confirming.set(null);
    const call: Record<Action, () => Promise<ManagedUser>> = {
      deactivate: () => this.api.update(user.id, { version: user.version, active: false }),
      reactivate: () => this.api.update(user.id, { version: user.version, active: true }),
      resetPassword: () => this.api.resetPassword(user.id),
      resetTotp: () => this.api.resetTotp(user.id),
    };
    await this.run(call[action], { key: DONE_KEY[action], params: { email: user.email } });
  }

  private async run(call: () => Promise<ManagedUser>, done: FormMessage): Promise<void> {
    this.busy.set(true);
    try {
      this.show(await call());
      this.notice.set({ type: 'ok', message: done });
    } catch (error) {
      const failure = ApiError.from(error);
      if (failure.code === 'version_conflict' && failure.problem['current']) {
        this.show(failure.problem['current'] as ManagedUser);
        this.notice.set({ type: 'warning', message: { key: 'users.conflict' } });
        return;
      }
      const messages = userFieldMessages(failure.fieldErrors, FIELDS);
      if (failure.code !== 'own_account' && Object.keys(messages).length > 0) {
        this.fieldErrors.set(messages);
        this.fieldErrors.focusSummary();
        return;
      }
      const key: MessageKey =
        failure.code === 'last_admin'
          ? 'users.error.lastAdmin'
          : failure.code === 'own_account'
            ? 'users.error.ownAccount'
            : failure.isNetworkError
              ? 'error.network'
              : 'error.unexpected';
      this.notice.set({ type: 'error', message: { key } });
    } finally {
      this.busy.set(false);
    }
  }

  private show(user: ManagedUser): void {
    this.user.set(user);
    this.form.reset(userFieldsForm(this.fb, user).getRawValue());
  }

  private async load(): Promise<void> {
    const id = this.route.snapshot.paramMap.get('id') ?? '';
    try {
      this.show(await this.api.get(id));
    } catch (error) {
      const failure = ApiError.from(error);
      this.loadFailure.set(failure.status === 404 || failure.status === 400 ? 'users.notFound' : failure.isNetworkError ? 'error.network' : 'error.unexpected');
    }
  }
}
