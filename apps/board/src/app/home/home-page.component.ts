import { ChangeDetectionStrategy, Component, computed, inject } from '@angular/core';
import { RouterLink } from '@angular/router';
import { SECURITY_PATH } from '../core/auth/auth.models';
import { AuthService } from '../core/auth/auth.service';
import { I18nService } from '../core/i18n/i18n.service';
import { TranslatePipe } from '../core/i18n/translate.pipe';

/** The landing page after sign-in: who you are at the table, and how your account is secured. */
@Component({
  selector: 'vt-home-page',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [RouterLink, TranslatePipe],
  templateUrl: './home-page.component.html',
})
export class HomePageComponent {
  private readonly i18n = inject(I18nService);
  protected readonly user = inject(AuthService).user;
  protected readonly securityPath = SECURITY_PATH;
  protected readonly roles = computed(() => this.i18n.roles(this.user()?.roles ?? []));
  protected readonly clearance = computed(() => this.i18n.clearance(this.user()?.clearance ?? 'NONE'));
}
