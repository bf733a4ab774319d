import { ChangeDetectionStrategy, Component, DOCUMENT, type ElementRef, inject, input, viewChild } from '@angular/core';
import { TranslatePipe } from '../../core/i18n/translate.pipe';

export interface SummaryItem {
  /** The id of the field the message is about; the link moves focus there. */
  fieldId?: string;
  message: string;
}

/**
 * The error summary at the top of a form (NL Design System / GOV.UK pattern): announced as an
 * alert, focused when it appears, each message a link to its field.
 */
@Component({
  selector: 'vt-error-summary',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [TranslatePipe],
  template: `
    <div
      #box
      class="utrecht-alert utrecht-alert--error vt-error-summary"
      role="alert"
      tabindex="-1"
      [attr.aria-labelledby]="headingId()"
    >
      <span class="utrecht-alert__icon vt-alert__icon" aria-hidden="true">
        <svg viewBox="0 0 24 24" width="24" height="24" focusable="false">
          <path d="M12 2.5 22 20.5H2z" fill="none" stroke="currentColor" stroke-width="2" stroke-linejoin="round" />
          <path d="M12 9v5.5M12 16.5v2" stroke="currentColor" stroke-width="2.2" />
        </svg>
      </span>
      <div class="utrecht-alert__content">
        <div class="utrecht-alert__message">
          <h2 class="nl-heading nl-heading--level-3" [id]="headingId()">{{ 'errorSummary.title' | t }}</h2>
          <ul class="utrecht-unordered-list vt-error-summary__list">
            @for (item of items(); track $index) {
              <li class="utrecht-unordered-list__item">
                @if (item.fieldId; as fieldId) {
                  <a class="nl-link vt-error-summary__link" [href]="'#' + fieldId" (click)="goTo($event, fieldId)">{{
                    item.message
                  }}</a>
                } @else {
                  {{ item.message }}
                }
              </li>
            }
          </ul>
        </div>
      </div>
    </div>
  `,
})
export class ErrorSummaryComponent {
  private readonly document = inject(DOCUMENT);
  private readonly box = viewChild.required<ElementRef<HTMLElement>>('box');

  readonly items = input.required<readonly SummaryItem[]>();
  readonly headingId = input('vt-error-summary-title');

  focus(): void {
    this.box().nativeElement.focus();
  }

  protected goTo(event: Event, fieldId: string): void {
    // A fragment link would resolve against <base href="/"> and leave the page.
    event.preventDefault();
    const field = this.document.getElementById(fieldId);
    field?.focus();
    field?.scrollIntoView({ block: 'center' });
  }
}
