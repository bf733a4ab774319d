import { ChangeDetectionStrategy, Component, computed, input } from '@angular/core';

export type AlertType = 'info' | 'ok' | 'warning' | 'error';

/**
 * NL Design System alert. The icon differs per type in shape, not only in colour, and the
 * text itself says what happened. `live` makes it a live region for messages that appear
 * after the page has loaded.
 */
@Component({
  selector: 'vt-alert',
  changeDetection: ChangeDetectionStrategy.OnPush,
  host: { class: 'vt-alert-host' },
  template: `
    <div class="utrecht-alert utrecht-alert--{{ type() }}" [attr.role]="role()">
      <span class="utrecht-alert__icon vt-alert__icon" aria-hidden="true">
        <svg viewBox="0 0 24 24" width="24" height="24" focusable="false">
          @switch (type()) {
            @case ('ok') {
              <circle cx="12" cy="12" r="10" fill="none" stroke="currentColor" stroke-width="2" />
              <path d="m7 12.5 3.2 3.2L17 9" fill="none" stroke="currentColor" stroke-width="2.2" />
            }
            @case ('error') {
              <path d="M12 2.5 22 20.5H2z" fill="none" stroke="currentColor" stroke-width="2" stroke-linejoin="round" />
              <path d="M12 9v5.5M12 16.5v2" stroke="currentColor" stroke-width="2.2" />
            }
            @case ('warning') {
              <path d="M12 2.5 22 20.5H2z" fill="none" stroke="currentColor" stroke-width="2" stroke-linejoin="round" />
              <path d="M12 9v5.5M12 16.5v2" stroke="currentColor" stroke-width="2.2" />
            }
            @default {
              <circle cx="12" cy="12" r="10" fill="none" stroke="currentColor" stroke-width="2" />
              <path d="M12 10.5V17M12 7v1.8" stroke="currentColor" stroke-width="2.2" />
            }
          }
        </svg>
      </span>
      <div class="utrecht-alert__content">
        <div class="utrecht-alert__message"><ng-content /></div>
      </div>
    </div>
  `,
})
export class AlertComponent {
  readonly type = input<AlertType>('info');
  /** `alert` for errors that need attention now, `status` for calm news, none for static text. */
  readonly live = input<'alert' | 'status' | 'off'>('off');
  protected readonly role = computed(() => (this.live() === 'off' ? null : this.live()));
}
