import {
  ChangeDetectionStrategy,
  Component,
  type ElementRef,
  Injector,
  afterNextRender,
  computed,
  inject,
  signal,
  viewChild,
} from '@angular/core';
import { FormsModule } from '@angular/forms';
import type { AuditBreakReason, AuditEvent, AuditVerification } from '@verkiezingstafel/domain';
import { ApiError } from '../../core/api/api-error';
import { I18nService } from '../../core/i18n/i18n.service';
import type { MessageKey } from '../../core/i18n/messages.nl';
import { TranslatePipe } from '../../core/i18n/translate.pipe';
import { AlertComponent } from '../../shared/alert.component';
import { formatDate } from '../../shared/dates';
import { AuditApi } from './audit.api';

const PAGE_SIZE = 50;

const BREAK_KEY = {
  hash_mismatch: 'audit.reason.hash_mismatch',
  broken_link: 'audit.reason.broken_link',
  missing_row: 'audit.reason.missing_row',
} as const satisfies Record<AuditBreakReason, MessageKey>;

/**
 * The audit trail for administrators and the chair: who did what to which record, newest
 * first, page by page, optionally about one record; and the check of the hash chain.
 */
@Component({
  selector: 'vt-audit-page',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [FormsModule, TranslatePipe, AlertComponent],
  templateUrl: './audit-page.component.html',
})
export class AuditPageComponent {
  private readonly api = inject(AuditApi);
  private readonly i18n = inject(I18nService);
  private readonly injector = inject(Injector);
  private readonly table = viewChild<ElementRef<HTMLElement>>('table');

  protected readonly events = signal<AuditEvent[]>([]);
  protected readonly nextCursor = signal<string | null>(null);
  protected readonly loading = signal(true);
  protected readonly failure = signal<string | null>(null);
  protected readonly verification = signal<AuditVerification | null>(null);
  protected readonly verifying = signal(false);
  protected readonly verifyFailure = signal<string | null>(null);
  /** The record the list is about, as applied (the text box may differ while typing). */
  protected readonly entityId = signal('');
  protected entityInput = '';

  protected readonly verificationText = computed(() => {
    const result = this.verification();
    if (!result) return '';
    if (result.ok || !result.firstBroken) return this.i18n.t('audit.ok', { n: result.checked });
    return this.i18n.t('audit.broken', {
      seq: result.firstBroken.seq,
      reason: this.i18n.t(BREAK_KEY[result.firstBroken.reason]),
      n: result.checked,
    });
  });

  constructor() {
    void this.load();
  }

  protected actor(event: AuditEvent): string {
    if (event.actorId === null) return this.i18n.t('audit.system');
    return event.actorName ?? event.actorId;
  }

  protected date(value: string): string {
    return formatDate(this.i18n.language(), value);
  }

  protected async verify(): Promise<void> {
    if (this.verifying()) return;
    this.verifying.set(true);
    this.verification.set(null);
    this.verifyFailure.set(null);
    try {
      this.verification.set(await this.api.verify());
    } catch (error) {
      this.verifyFailure.set(this.describe(ApiError.from(error)));
    } finally {
      this.verifying.set(false);
    }
  }

  protected applyFilter(): void {
    this.entityId.set(this.entityInput.trim());
    void this.load();
  }

  protected clearFilter(): void {
    this.entityInput = '';
    this.entityId.set('');
    void this.load();
  }

  protected async more(): Promise<void> {
    const cursor = this.nextCursor();
    if (!cursor || this.loading()) return;
    await this.load(cursor);
    // The button is gone after the last page: keep focus on the list rather than losing it.
    if (this.nextCursor() === null) {
      afterNextRender({ write: () => this.table()?.nativeElement.focus() }, { injector: this.injector });
    }
  }

  private async load(cursor?: string): Promise<void> {
    this.loading.set(true);
    this.failure.set(null);
    try {
      const entityId = this.entityId();
      const page = await this.api.list({ limit: PAGE_SIZE, cursor, entityId: entityId || undefined });
      this.events.set(cursor ? [...this.events(), ...page.items] : page.items);
      this.nextCursor.set(page.nextCursor);
    } catch (error) {
      this.failure.set(this.describe(ApiError.from(error)));
    } finally {
      this.loading.set(false);
    }
  }

  private describe(error: ApiError): string {
    if (error.isNetworkError) return this.i18n.t('error.network');
    const fields = error.fieldErrors.map((e) => `${e.field}: ${e.message}`);
    return fields.length > 0 ? fields.join('; ') : error.message;
  }
}
