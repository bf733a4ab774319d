import {
  ChangeDetectionStrategy,
  Component,
  DOCUMENT,
  type ElementRef,
  Injector,
  afterNextRender,
  computed,
  effect,
  inject,
  signal,
  viewChild,
} from '@angular/core';
import { takeUntilDestroyed } from '@angular/core/rxjs-interop';
import { NavigationEnd, Router, RouterLink, RouterLinkActive, RouterOutlet } from '@angular/router';
import { filter, skip } from 'rxjs';
import { injectAbility } from '../core/auth/ability';
import { SECURITY_PATH } from '../core/auth/auth.models';
import { AuthService } from '../core/auth/auth.service';
import { I18nService } from '../core/i18n/i18n.service';
import type { MessageKey } from '../core/i18n/messages.nl';
import { type ConnectionState, RealtimeService } from '../core/realtime/realtime.service';
import { TranslatePipe } from '../core/i18n/translate.pipe';
import { LanguageSwitchComponent } from './language-switch.component';

const CONNECTION_KEY = {
  offline: 'conn.offline',
  connecting: 'conn.catchingUp',
  'catching-up': 'conn.catchingUp',
  live: 'conn.live',
  reconnecting: 'conn.reconnecting',
} as const satisfies Record<ConnectionState, MessageKey>;

/** The frame around every page: skip link, header with account and language, main, footer. */
@Component({
  selector: 'vt-shell',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [RouterOutlet, RouterLink, RouterLinkActive, TranslatePipe, LanguageSwitchComponent],
  templateUrl: './shell.component.html',
})
export class ShellComponent {
  private readonly auth = inject(AuthService);
  private readonly i18n = inject(I18nService);
  private readonly document = inject(DOCUMENT);
  private readonly injector = inject(Injector);
  private readonly main = viewChild.required<ElementRef<HTMLElement>>('main');

  protected readonly securityPath = SECURITY_PATH;
  protected readonly user = this.auth.user;
  protected readonly enrolmentRequired = this.auth.enrolmentRequired;
  protected readonly roles = computed(() => {
    const user = this.user();
    return user ? this.i18n.roles(user.roles) : '';
  });
  protected readonly signingOut = signal(false);
  private readonly ability = injectAbility();
  protected readonly canReadAudit = computed(() => this.ability.can('read', 'Audit'));
  protected readonly canManageUsers = computed(() => this.ability.can('read', 'User'));
  private readonly realtime = inject(RealtimeService);
  protected readonly connection = this.realtime.state;
  protected readonly connectionText = computed(() => this.i18n.t(CONNECTION_KEY[this.connection()]));

  constructor() {
    // One live channel per signed-in board; none while signed out or still enrolling TOTP.
    this.realtime.onSessionEnded = () => void this.auth.sessionEnded();
    effect(() => {
      if (this.user() && !this.enrolmentRequired()) this.realtime.connect();
      else this.realtime.disconnect();
    });

    // After an in-app navigation, move focus to the new page's heading so that keyboard and
    // screen reader users start at the new content, as after a full page load.
    inject(Router)
      .events.pipe(
        filter((event) => event instanceof NavigationEnd),
        skip(1),
        takeUntilDestroyed(),
      )
      .subscribe(() => afterNextRender({ read: () => this.focusPage() }, { injector: this.injector }));
  }

  protected skipToMain(event: Event): void {
    // A fragment link would resolve against <base href="/"> and load the home page instead.
    event.preventDefault();
    this.main().nativeElement.focus();
  }

  protected async signOut(): Promise<void> {
    this.signingOut.set(true);
    try {
      await this.auth.signOut();
    } finally {
      this.signingOut.set(false);
    }
  }

  private focusPage(): void {
    const main = this.main().nativeElement;
    const heading = main.querySelector<HTMLElement>('h1');
    if (heading) {
      if (!heading.hasAttribute('tabindex')) heading.setAttribute('tabindex', '-1');
      heading.focus();
    } else {
      main.focus();
    }
    this.document.defaultView?.scrollTo({ top: 0 });
  }
}
