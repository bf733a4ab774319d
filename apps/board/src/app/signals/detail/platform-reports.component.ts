import {
  ChangeDetectionStrategy,
  Component,
  DestroyRef,
  computed,
  effect,
  inject,
  input,
  signal,
  viewChild,
} from '@angular/core';
import { NonNullableFormBuilder, ReactiveFormsModule } from '@angular/forms';
import {
  PLATFORMS,
  PLATFORM_OUTCOMES,
  type Platform,
  type PlatformOutcome,
  type PlatformReport,
} from '@verkiezingstafel/domain';
import { ApiError } from '../../core/api/api-error';
import { injectAbility } from '../../core/auth/ability';
import { I18nService } from '../../core/i18n/i18n.service';
import type { MessageKey } from '../../core/i18n/messages.nl';
import { TranslatePipe } from '../../core/i18n/translate.pipe';
import { RealtimeService } from '../../core/realtime/realtime.service';
import { AlertComponent } from '../../shared/alert.component';
import { formatDate } from '../../shared/dates';
import { ErrorSummaryComponent } from '../../shared/forms/error-summary.component';
import { injectFieldErrors } from '../../shared/forms/field-errors';
import { FormFieldComponent, type FormFieldOption } from '../../shared/forms/form-field.component';
import { type FormMessage, renderMessage } from '../../shared/forms/form-message';
import { PLATFORM_KEY, PLATFORM_OUTCOME_KEY } from '../labels';
import { type PlatformReportInput, SignalsApi } from '../signals.api';

type Field = 'platform' | 'contentUrl' | 'ground' | 'reportedAt';
const FIELDS: readonly Field[] = ['platform', 'contentUrl', 'ground', 'reportedAt'];

const FIELD_IDS: Record<Field, string> = {
  platform: 'report-platform',
  contentUrl: 'report-url',
  ground: 'report-ground',
  reportedAt: 'report-reported-at',
};

const FIELD_MESSAGES: Record<Field, MessageKey> = {
  platform: 'reports.error.platform',
  contentUrl: 'reports.error.contentUrl',
  ground: 'reports.error.ground',
  reportedAt: 'reports.error.reportedAt',
};

const PLATFORM_OPTIONS: readonly FormFieldOption[] = PLATFORMS.map((platform) => ({ value: platform, label: PLATFORM_KEY[platform] }));

/** A loose check only: the API decides; this catches a missing scheme early. */
const HTTP_URL = /^https?:\/\/\S+$/i;

type Notice = { type: 'ok' | 'warning' | 'error'; message: FormMessage | string } | null;

function isField(value: string): value is Field {
  return (FIELDS as readonly string[]).includes(value);
}

function isPlatform(value: string): value is Platform {
  return (PLATFORMS as readonly string[]).includes(value);
}

function isOutcome(value: string): value is PlatformOutcome {
  return (PLATFORM_OUTCOMES as readonly string[]).includes(value);
}

function byReportedAt(a: PlatformReport, b: PlatformReport): number {
  return a.reportedAt.localeCompare(b.reportedAt) || a.id.localeCompare(b.id);
}

/**
 * BZK's priority reports of this signal's content to platforms ("meldingen"): everyone who
 * reads the signal sees them; the flagger (BZK) records new ones and the platform's outcome.
 */
@Component({
  selector: 'vt-platform-reports',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [ReactiveFormsModule, TranslatePipe, AlertComponent, ErrorSummaryComponent, FormFieldComponent],
  templateUrl: './platform-reports.component.html',
})
export class PlatformReportsComponent {
  readonly signalId = input.required<string>();

  private readonly api = inject(SignalsApi);
  private readonly i18n = inject(I18nService);
  private readonly summary = viewChild(ErrorSummaryComponent);
  private readonly ability = injectAbility();

  protected readonly ids = FIELD_IDS;
  protected readonly platformOptions = PLATFORM_OPTIONS;
  protected readonly outcomes = PLATFORM_OUTCOMES;
  protected readonly outcomeKey = PLATFORM_OUTCOME_KEY;

  protected readonly reports = signal<PlatformReport[]>([]);
  protected readonly loaded = signal(false);
  protected readonly busy = signal(false);
  protected readonly notice = signal<Notice>(null);
  /** The outcome chosen per report, before it is recorded. */
  private readonly choices = signal<Readonly<Record<string, PlatformOutcome>>>({});

  protected readonly canCreate = computed(() => this.ability.can('create', 'PlatformReport'));
  protected readonly canRecord = computed(() => this.ability.can('update', 'PlatformReport'));

  protected readonly form = inject(NonNullableFormBuilder).group({
    platform: '',
    contentUrl: '',
    ground: '',
    reportedAt: '',
  });

  private readonly fieldErrors = injectFieldErrors(FIELD_IDS, this.summary);
  protected readonly errors = this.fieldErrors.texts;
  protected readonly summaryItems = this.fieldErrors.summary;
  protected readonly noticeText = computed(() => {
    const notice = this.notice();
    if (!notice) return '';
    return typeof notice.message === 'string' ? notice.message : renderMessage(this.i18n, notice.message);
  });

  constructor() {
    const stop = inject(RealtimeService).listen((event) => {
      if (event.type === 'platform_report.changed' && event.data.signalId === this.signalId()) this.upsert(event.data.report);
      else if (event.type === 'resync') void this.load(this.signalId());
    });
    inject(DestroyRef).onDestroy(stop);
    effect(() => void this.load(this.signalId()));
  }

  protected date(value: string | null): string {
    return formatDate(this.i18n.language(), value);
  }

  protected platformName(platform: string): string {
    return isPlatform(platform) ? this.i18n.t(PLATFORM_KEY[platform]) : platform;
  }

  protected choice(report: PlatformReport): PlatformOutcome {
    return this.choices()[report.id] ?? report.outcome;
  }

  protected choose(report: PlatformReport, event: Event): void {
    const value = (event.target as HTMLSelectElement).value;
    if (isOutcome(value)) this.choices.set({ ...this.choices(), [report.id]: value });
  }

  protected async add(): Promise<void> {
    if (this.busy()) return;
    this.notice.set(null);
    const input = this.check();
    if (!input) {
      this.fieldErrors.focusSummary();
      return;
    }
    this.busy.set(true);
    try {
      const report = await this.api.addPlatformReport(this.signalId(), input);
      this.upsert(report);
      this.form.reset();
      this.notice.set({ type: 'ok', message: { key: 'reports.added', params: { platform: this.platformName(report.platform) } } });
    } catch (error) {
      this.fail(ApiError.from(error));
    } finally {
      this.busy.set(false);
    }
  }

  protected async record(report: PlatformReport, index: number): Promise<void> {
    if (this.busy()) return;
    this.notice.set(null);
    const outcome = this.choice(report);
    this.busy.set(true);
    try {
      const saved = await this.api.recordPlatformOutcome(report.id, report.version, outcome);
      this.upsert(saved);
      const { [report.id]: _recorded, ...others } = this.choices();
      this.choices.set(others);
      this.notice.set({
        type: 'ok',
        message: { key: 'reports.recorded', params: { n: index + 1, outcome: this.i18n.t(PLATFORM_OUTCOME_KEY[saved.outcome]) } },
      });
    } catch (error) {
      const failure = ApiError.from(error);
      if (failure.code === 'version_conflict') {
        await this.load(this.signalId());
        this.notice.set({ type: 'warning', message: { key: 'reports.stale' } });
      } else {
        this.notice.set({ type: 'error', message: failure.message });
      }
    } finally {
      this.busy.set(false);
    }
  }

  private async load(signalId: string): Promise<void> {
    try {
      this.reports.set((await this.api.platformReports(signalId)).sort(byReportedAt));
    } catch (error) {
      // A signal that went out of sight is the detail page's to tell; anything else is ours.
      const failure = ApiError.from(error);
      if (failure.status !== 404) this.notice.set({ type: 'error', message: failure.message });
    } finally {
      this.loaded.set(true);
    }
  }

  private upsert(report: PlatformReport): void {
    const known = this.reports().find((r) => r.id === report.id);
    if (known && known.version > report.version) return;
    this.reports.set([...this.reports().filter((r) => r.id !== report.id), report].sort(byReportedAt));
  }

  /** The input for the API, or null with the field errors shown. */
  private check(): PlatformReportInput | null {
    const { platform, contentUrl, ground, reportedAt } = this.form.getRawValue();
    const errors: Partial<Record<Field, FormMessage>> = {};
    if (!isPlatform(platform)) errors.platform = { key: FIELD_MESSAGES.platform };
    if (!HTTP_URL.test(contentUrl.trim())) errors.contentUrl = { key: FIELD_MESSAGES.contentUrl };
    if (ground.trim() === '') errors.ground = { key: FIELD_MESSAGES.ground };
    const at = reportedAt === '' ? null : new Date(reportedAt);
    if (at !== null && Number.isNaN(at.getTime())) errors.reportedAt = { key: FIELD_MESSAGES.reportedAt };
    this.fieldErrors.set(errors);
    if (Object.keys(errors).length > 0 || !isPlatform(platform)) return null;
    return {
      platform,
      contentUrl: contentUrl.trim(),
      ground: ground.trim(),
      ...(at ? { reportedAt: at.toISOString() } : {}),
    };
  }

  private fail(error: ApiError): void {
    const errors: Partial<Record<Field, FormMessage>> = {};
    for (const fieldError of error.fieldErrors) {
      const field = fieldError.field.replace(/[[.].*$/, '');
      if (isField(field)) errors[field] ??= { key: FIELD_MESSAGES[field] };
    }
    if (Object.keys(errors).length > 0) {
      this.fieldErrors.set(errors);
      this.fieldErrors.focusSummary();
    } else {
      this.notice.set({ type: 'error', message: error.isNetworkError ? { key: 'error.network' } : error.message });
    }
  }
}
