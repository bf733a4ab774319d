import { ChangeDetectionStrategy, Component, computed, inject, signal } from '@angular/core';
import { takeUntilDestroyed, toSignal } from '@angular/core/rxjs-interop';
import { ActivatedRoute, Router, RouterLink } from '@angular/router';
import { type Agency, type ManagedUser, ROLES, type Role, USER_STATES, type UserState } from '@verkiezingstafel/domain';
import { ApiError } from '../../core/api/api-error';
import { I18nService } from '../../core/i18n/i18n.service';
import { TranslatePipe } from '../../core/i18n/translate.pipe';
import { AlertComponent } from '../../shared/alert.component';
import { formatDate } from '../../shared/dates';
import { SignalsApi } from '../../signals/signals.api';
import { USER_STATE_KEY } from './user-labels';
import { agencyGroups } from './user-form';
import { UsersApi } from './users.api';

const PAGE_SIZE = 50;

function isRole(value: string | null): value is Role {
  return value !== null && (ROLES as readonly string[]).includes(value);
}

function isState(value: string | null): value is UserState {
  return value !== null && (USER_STATES as readonly string[]).includes(value);
}

/**
 * User administration: every account, searched by name or e-mail address and filtered by
 * agency, role and state; the filters live in the URL. Administrators only.
 */
@Component({
  selector: 'vt-users-page',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [RouterLink, TranslatePipe, AlertComponent],
  templateUrl: './users-page.component.html',
})
export class UsersPageComponent {
  private readonly api = inject(UsersApi);
  private readonly signalsApi = inject(SignalsApi);
  private readonly i18n = inject(I18nService);
  private readonly route = inject(ActivatedRoute);
  private readonly router = inject(Router);

  protected readonly roles = ROLES;
  protected readonly states = USER_STATES;
  protected readonly stateKey = USER_STATE_KEY;

  protected readonly users = signal<ManagedUser[]>([]);
  protected readonly nextCursor = signal<string | null>(null);
  protected readonly loading = signal(true);
  protected readonly failure = signal<string | null>(null);
  protected readonly agencies = signal<Agency[]>([]);

  private readonly params = toSignal(this.route.queryParamMap, { requireSync: true });
  protected readonly q = computed(() => this.params().get('q') ?? '');
  protected readonly agency = computed(() => this.params().get('agency') ?? '');
  protected readonly role = computed(() => {
    const value = this.params().get('role');
    return isRole(value) ? value : '';
  });
  protected readonly state = computed(() => {
    const value = this.params().get('state');
    return isState(value) ? value : '';
  });
  protected readonly filtered = computed(() => this.q() !== '' || this.agency() !== '' || this.role() !== '' || this.state() !== '');

  protected readonly agencyGroups = computed(() => agencyGroups(this.agencies()));

  constructor() {
    void this.signalsApi.agencies().then((agencies) => this.agencies.set(agencies), () => undefined);
    // Every change of the URL's filters is a new first page.
    let last = '';
    this.route.queryParamMap.pipe(takeUntilDestroyed()).subscribe((map) => {
      const key = JSON.stringify(map.keys.map((name) => [name, map.getAll(name)]));
      if (key === last) return;
      last = key;
      void this.load();
    });
  }

  protected roleName(role: Role): string {
    return this.i18n.role(role);
  }

  protected roleList(user: ManagedUser): string {
    return this.i18n.roles(user.roles);
  }

  protected date(value: string | null): string {
    return value ? formatDate(this.i18n.language(), value) : this.i18n.t('users.never');
  }

  protected search(event: Event): void {
    event.preventDefault();
    const form = event.target as HTMLFormElement;
    const data = new FormData(form);
    const value = (name: string) => {
      const raw = data.get(name);
      return typeof raw === 'string' && raw.trim() !== '' ? raw.trim() : null;
    };
    void this.router.navigate([], {
      relativeTo: this.route,
      queryParams: { q: value('q'), agency: value('agency'), role: value('role'), state: value('state') },
    });
  }

  protected clear(): void {
    void this.router.navigate([], { relativeTo: this.route, queryParams: {} });
  }

  protected async more(): Promise<void> {
    const cursor = this.nextCursor();
    if (cursor && !this.loading()) await this.load(cursor);
  }

  private async load(cursor?: string): Promise<void> {
    this.loading.set(true);
    this.failure.set(null);
    try {
      const page = await this.api.list({
        q: this.q() || undefined,
        agency: this.agency() || undefined,
        role: this.role() || undefined,
        state: this.state() || undefined,
        cursor,
        limit: PAGE_SIZE,
      });
      this.users.set(cursor ? [...this.users(), ...page.items] : page.items);
      this.nextCursor.set(page.nextCursor);
    } catch (error) {
      const failure = ApiError.from(error);
      this.failure.set(this.i18n.t(failure.isNetworkError ? 'error.network' : 'error.unexpected'));
    } finally {
      this.loading.set(false);
    }
  }
}
