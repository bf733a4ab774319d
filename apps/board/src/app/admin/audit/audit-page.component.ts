import { ChangeDetectionStrategy, Component, type ElementRef, Injector, afterNextRender, computed, inject, signal, viewChild } from '@angular/core';
import { takeUntilDestroyed, toSignal } from '@angular/core/rxjs-interop';
import { ActivatedRoute, type ParamMap, Router, RouterLink } from '@angular/router';
import {
  AUDIT_ENTITY_TYPES,
  type Agency,
  type AuditBreakReason,
  type AuditEntityType,
  type AuditEvent,
  type AuditKind,
  type AuditVerification,
  auditActionsOf,
  auditActionWords,
  isAuditAction,
  type SignalStatus,
} from '@verkiezingstafel/domain';
import { ApiError } from '../../core/api/api-error';
import { I18nService } from '../../core/i18n/i18n.service';
import type { MessageKey } from '../../core/i18n/messages.nl';
import { TranslatePipe } from '../../core/i18n/translate.pipe';
import { AlertComponent } from '../../shared/alert.component';
import { formatDate } from '../../shared/dates';
import { MarkingLabelComponent } from '../../shared/marking-label.component';
import { STATUS_KEY } from '../../signals/labels';
import { SignalsApi } from '../../signals/signals.api';
import { type AuditFilter, AuditApi } from './audit.api';

const PAGE_SIZE = 50;

const BREAK_KEY = {
  hash_mismatch: 'audit.reason.hash_mismatch',
  broken_link: 'audit.reason.broken_link',
  missing_row: 'audit.reason.missing_row',
} as const satisfies Record<AuditBreakReason, MessageKey>;

export const AUDIT_ENTITY_KEY = {
  signal: 'audit.entityType.signal',
  measure: 'audit.entityType.measure',
  platform_report: 'audit.entityType.platform_report',
  election: 'audit.entityType.election',
  user: 'audit.entityType.user',
  audit: 'audit.entityType.audit',
} as const satisfies Record<AuditEntityType, MessageKey>;

/** The filters of the page, read from and written to the URL (a reload or a shared link keeps them). */
const FILTER_KEYS = ['action', 'actor', 'agency', 'entityType', 'entityId', 'from', 'to'] as const;
type FilterKey = (typeof FILTER_KEYS)[number];

function isEntityType(value: string): value is AuditEntityType {
  return (AUDIT_ENTITY_TYPES as readonly string[]).includes(value);
}

function isStatus(value: unknown): value is SignalStatus {
  return typeof value === 'string' && value in STATUS_KEY;
}

/** A date input's day as the start of that day in UTC, and the day after for "to" (inclusive). */
function dayStart(day: string, after = false): string | undefined {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(day)) return undefined;
  const at = new Date(`${day}T00:00:00Z`);
  if (after) at.setUTCDate(at.getUTCDate() + 1);
  return at.toISOString();
}

/**
 * The audit trail for administrators and the chair: changes apart from reads, in words, each
 * record by its title where the reader may read it (with a link to it), filtered by action,
 * actor, agency, record and period; a CSV export of exactly what is shown; and the check of
 * the hash chain.
 */
@Component({
  selector: 'vt-audit-page',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [RouterLink, TranslatePipe, AlertComponent, MarkingLabelComponent],
  templateUrl: './audit-page.component.html',
})
export class AuditPageComponent {
  private readonly api = inject(AuditApi);
  private readonly signalsApi = inject(SignalsApi);
  private readonly i18n = inject(I18nService);
  private readonly route = inject(ActivatedRoute);
  private readonly router = inject(Router);
  private readonly injector = inject(Injector);
  private readonly table = viewChild<ElementRef<HTMLElement>>('table');

  protected readonly entityTypes = AUDIT_ENTITY_TYPES;
  protected readonly entityKey = AUDIT_ENTITY_KEY;

  protected readonly events = signal<AuditEvent[]>([]);
  protected readonly nextCursor = signal<string | null>(null);
  protected readonly loading = signal(true);
  protected readonly failure = signal<string | null>(null);
  protected readonly verification = signal<AuditVerification | null>(null);
  protected readonly verifying = signal(false);
  protected readonly verifyFailure = signal<string | null>(null);
  private readonly agencies = signal<Agency[]>([]);
  private readonly agencyNames = computed(() => new Map(this.agencies().map((agency) => [agency.code, agency.name])));
  protected readonly agencyOptions = computed(() => [...this.agencies()].filter((a) => a.type !== 'municipality').sort((a, b) => a.name.localeCompare(b.name, 'nl')));

  private readonly params = toSignal(this.route.queryParamMap, { requireSync: true });
  protected readonly kind = computed<AuditKind>(() => (this.params().get('kind') === 'read' ? 'read' : 'change'));
  protected readonly filter = computed(() => this.filterOf(this.params()));
  protected readonly actions = computed(() => auditActionsOf(this.kind()).map((action) => ({ action, words: auditActionWords(action, this.i18n.language()) })));
  /** The active filters as removable chips, in words. */
  protected readonly chips = computed(() => {
    const filter = this.filter();
    const chips: { key: FilterKey; text: string }[] = [];
    if (filter.action) chips.push({ key: 'action', text: auditActionWords(filter.action, this.i18n.language()) });
    if (filter.actor) chips.push({ key: 'actor', text: `${this.i18n.t('audit.actor')}: ${filter.actor}` });
    if (filter.agency) chips.push({ key: 'agency', text: this.agencyNames().get(filter.agency) ?? filter.agency });
    if (filter.entityType && isEntityType(filter.entityType)) chips.push({ key: 'entityType', text: this.i18n.t(AUDIT_ENTITY_KEY[filter.entityType]) });
    if (filter.entityId) chips.push({ key: 'entityId', text: `${this.i18n.t('audit.entity')}: ${filter.entityId}` });
    if (this.params().get('from')) chips.push({ key: 'from', text: `${this.i18n.t('audit.from')} ${formatDate(this.i18n.language(), this.params().get('from'))}` });
    if (this.params().get('to')) chips.push({ key: 'to', text: `${this.i18n.t('audit.to')} ${formatDate(this.i18n.language(), this.params().get('to'))}` });
    return chips;
  });
  /** The same filters, for the CSV download of exactly what is shown. */
  protected readonly exportHref = computed(() => {
    const search = new URLSearchParams();
    for (const [key, value] of Object.entries({ ...this.filter(), kind: this.kind(), lang: this.i18n.language() })) {
      if (value) search.set(key, value);
    }
    return `/api/audit/export?${search.toString()}`;
  });
  protected readonly verificationText = computed(() => {
    const result = this.verification();
    if (!result) return '';
    if (result.ok || !result.firstBroken) return this.i18n.t('audit.ok', { n: result.checked });
    return this.i18n.t('audit.broken', { seq: result.firstBroken.seq, reason: this.i18n.t(BREAK_KEY[result.firstBroken.reason]), n: result.checked });
  });

  constructor() {
    void this.signalsApi.agencies().then((agencies) => this.agencies.set(agencies), () => undefined);
    let last = '';
    this.route.queryParamMap.pipe(takeUntilDestroyed()).subscribe((map) => {
      const key = JSON.stringify(map.keys.map((name) => [name, map.getAll(name)]));
      if (key === last) return;
      last = key;
      void this.load();
    });
  }

  protected param(key: FilterKey): string {
    return this.params().get(key) ?? '';
  }

  protected actor(event: AuditEvent): string {
    if (event.actorId === null) return this.i18n.t('audit.system');
    const name = event.actorName ?? event.actorId;
    const agency = event.actorAgency ? (this.agencyNames().get(event.actorAgency) ?? event.actorAgency) : null;
    return agency ? `${name} (${agency})` : name;
  }

  protected action(event: AuditEvent): string {
    return auditActionWords(event.action, this.i18n.language());
  }

  protected entity(event: AuditEvent): string {
    return isEntityType(event.entityType) ? this.i18n.t(AUDIT_ENTITY_KEY[event.entityType]) : event.entityType;
  }

  /** What the details add, in words: a status change, a marking change, the fields edited. */
  protected detail(event: AuditEvent): string {
    const details = event.details;
    const parts: string[] = [];
    if (isStatus(details['from']) && isStatus(details['to'])) {
      parts.push(`${this.i18n.t(STATUS_KEY[details['from']])} → ${this.i18n.t(STATUS_KEY[details['to']])}`);
    }
    const marking = details['marking'];
    if (typeof marking === 'object' && marking !== null && 'from' in marking && 'to' in marking) {
      parts.push(this.i18n.t('audit.detail.marking', { from: String(marking.from), to: String(marking.to) }));
    }
    const fields = details['fields'];
    if (Array.isArray(fields) && fields.length > 0 && event.entityType === 'signal') {
      parts.push(this.i18n.t('audit.detail.fields', { fields: fields.join(', ') }));
    }
    const roles = details['roles'];
    if (typeof roles === 'object' && roles !== null && 'from' in roles && 'to' in roles && Array.isArray(roles.from) && Array.isArray(roles.to)) {
      parts.push(`${this.i18n.roles(roles.from)} → ${this.i18n.roles(roles.to)}`);
    }
    const agency = details['agency'];
    if (typeof agency === 'object' && agency !== null && 'from' in agency && 'to' in agency) {
      const name = (code: unknown) => this.agencyNames().get(String(code)) ?? String(code);
      parts.push(`${name(agency.from)} → ${name(agency.to)}`);
    }
    if (event.action === 'signal.read' && typeof details['via'] === 'string') parts.push(this.i18n.t('audit.detail.via', { via: details['via'] }));
    return parts.join('; ');
  }

  protected date(value: string): string {
    return formatDate(this.i18n.language(), value);
  }

  protected knownAction(event: AuditEvent): boolean {
    return isAuditAction(event.action);
  }

  protected setKind(kind: AuditKind): void {
    // The actions differ per kind: an action filter of the other kind would show nothing.
    void this.router.navigate([], { relativeTo: this.route, queryParams: { kind: kind === 'read' ? 'read' : null, action: null }, queryParamsHandling: 'merge' });
  }

  protected apply(event: Event): void {
    event.preventDefault();
    const data = new FormData(event.target as HTMLFormElement);
    const queryParams: Record<string, string | null> = {};
    for (const key of FILTER_KEYS) {
      const raw = data.get(key);
      queryParams[key] = typeof raw === 'string' && raw.trim() !== '' ? raw.trim() : null;
    }
    void this.router.navigate([], { relativeTo: this.route, queryParams, queryParamsHandling: 'merge' });
  }

  protected remove(key: FilterKey): void {
    void this.router.navigate([], { relativeTo: this.route, queryParams: { [key]: null }, queryParamsHandling: 'merge' });
  }

  protected clear(): void {
    void this.router.navigate([], { relativeTo: this.route, queryParams: { kind: this.kind() === 'read' ? 'read' : null } });
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

  protected async more(): Promise<void> {
    const cursor = this.nextCursor();
    if (!cursor || this.loading()) return;
    await this.load(cursor);
    if (this.nextCursor() === null) afterNextRender({ write: () => this.table()?.nativeElement.focus() }, { injector: this.injector });
  }

  private filterOf(map: ParamMap): AuditFilter {
    const value = (key: FilterKey) => map.get(key) ?? undefined;
    const action = value('action');
    const entityType = value('entityType');
    return {
      action: action && isAuditAction(action) ? action : undefined,
      actor: value('actor'),
      agency: value('agency'),
      entityType: entityType && isEntityType(entityType) ? entityType : undefined,
      entityId: value('entityId'),
      from: dayStart(value('from') ?? ''),
      to: dayStart(value('to') ?? '', true),
    };
  }

  private async load(cursor?: string): Promise<void> {
    this.loading.set(true);
    this.failure.set(null);
    try {
      const page = await this.api.list({ ...this.filter(), kind: this.kind(), limit: PAGE_SIZE, cursor });
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
    if (error.fieldErrors.length > 0) return this.i18n.t('audit.badFilter');
    return this.i18n.t('error.unexpected');
  }
}
