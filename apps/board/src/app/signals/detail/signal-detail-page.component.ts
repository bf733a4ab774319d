import { ChangeDetectionStrategy, Component, DestroyRef, computed, effect, inject, input, signal } from '@angular/core';
import { FormsModule } from '@angular/forms';
import { RouterLink } from '@angular/router';
import {
  type Agency,
  type Marking,
  MARKINGS,
  type Measure,
  MILESTONE_CODES,
  type MilestoneCode,
  type RedactedSignal,
  type SignalRecord,
  type SignalStatus,
  allowedTransitions,
  isStricterOrEqual,
  measureSubject,
  signalSubject,
  transitionKind,
} from '@verkiezingstafel/domain';
import { ApiError } from '../../core/api/api-error';
import { injectAbility } from '../../core/auth/ability';
import { I18nService } from '../../core/i18n/i18n.service';
import { TranslatePipe } from '../../core/i18n/translate.pipe';
import { RealtimeService } from '../../core/realtime/realtime.service';
import { AlertComponent } from '../../shared/alert.component';
import { MarkingLabelComponent } from '../../shared/marking-label.component';
import { CATEGORY_KEY, MEASURE_STATUS_KEY, MILESTONE_KEY, SEVERITY_KEY, STATUS_KEY } from '../labels';
import { SignalsApi, type TimelineItem } from '../signals.api';
import { PlatformReportsComponent } from './platform-reports.component';

type Notice = { type: 'ok' | 'warning' | 'error'; text: string } | null;

/** One signal: its marking as a banner, every readable field, timeline, measures, transitions. */
@Component({
  selector: 'vt-signal-detail-page',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [FormsModule, RouterLink, TranslatePipe, AlertComponent, MarkingLabelComponent, PlatformReportsComponent],
  templateUrl: './signal-detail-page.component.html',
})
export class SignalDetailPageComponent {
  readonly id = input.required<string>();

  private readonly api = inject(SignalsApi);
  private readonly i18n = inject(I18nService);
  protected readonly ability = injectAbility();

  protected readonly statusKey = STATUS_KEY;
  protected readonly categoryKey = CATEGORY_KEY;
  protected readonly severityKey = SEVERITY_KEY;
  protected readonly measureStatusKey = MEASURE_STATUS_KEY;
  protected readonly milestoneKey = MILESTONE_KEY;
  protected readonly milestones = MILESTONE_CODES;

  protected readonly signal = signal<RedactedSignal | null>(null);
  protected readonly timeline = signal<TimelineItem[]>([]);
  protected readonly measures = signal<Measure[]>([]);
  protected readonly agencies = signal<Agency[]>([]);
  protected readonly state = signal<'loading' | 'ready' | 'not-found' | 'revoked'>('loading');
  protected readonly notice = signal<Notice>(null);
  protected readonly busy = signal(false);

  protected note = '';
  protected comment = '';
  protected commentMarking = '';
  protected measureDescription = '';
  protected measureOwner = '';
  protected measureDue = '';
  protected measureMilestone = '';

  /** A record the ability can judge; null while the content is not readable (admin metadata). */
  private readonly record = computed(() => {
    const s = this.signal();
    if (!s?.marking || !s.ownerAgency || !s.classification) return null;
    const record: SignalRecord & RedactedSignal = {
      ...s,
      ownerAgency: s.ownerAgency,
      marking: s.marking,
      classification: s.classification,
      leadAgency: s.leadAgency ?? null,
      sharedWith: s.sharedWith ?? [],
      recipients: s.recipients ?? [],
      affectedMunicipalities: s.affectedMunicipalities ?? [],
    };
    return record;
  });
  protected readonly hasContent = computed(() => this.signal()?.title !== undefined);
  protected readonly canEdit = computed(() => {
    const record = this.record();
    return record !== null && this.hasContent() && this.ability.can('update', signalSubject(record));
  });
  protected readonly canComment = computed(() => {
    const record = this.record();
    return record !== null && this.hasContent() && this.ability.can('comment', signalSubject(record));
  });
  protected readonly canAddMeasure = computed(() => {
    const record = this.record();
    return record !== null && this.hasContent() && this.ability.can('add_measure', signalSubject(record));
  });
  protected readonly transitions = computed(() => {
    const record = this.record();
    const status = this.signal()?.status;
    if (!record || !status) return [];
    return allowedTransitions(status).filter((to) => {
      const kind = transitionKind(status, to);
      return kind !== null && this.ability.can(kind === 'chair' ? 'transition_chair' : 'transition_work', signalSubject(record));
    });
  });
  /** A comment may be marked stricter than its signal, never looser. */
  protected readonly commentMarkings = computed(() => {
    const marking = this.signal()?.marking;
    return marking ? MARKINGS.filter((m) => m !== marking && isStricterOrEqual(m, marking)) : [];
  });
  protected readonly coreAgencies = computed(() => this.agencies().filter((a) => a.type !== 'municipality'));

  constructor() {
    const realtime = inject(RealtimeService);
    const stop = realtime.listen((event) => {
      const id = this.id();
      switch (event.type) {
        case 'signal.created':
        case 'signal.updated':
          if (event.data.id !== id) return;
          if ((event.data.version ?? 0) >= (this.signal()?.version ?? 0)) {
            this.signal.set(event.data);
            this.state.set('ready');
          }
          return;
        case 'signal.revoked':
          if (event.data.id === id) {
            this.signal.set(null);
            this.timeline.set([]);
            this.measures.set([]);
            this.state.set('revoked');
          }
          return;
        case 'timeline.added': {
          const { signalId, entry } = event.data;
          if (signalId === id && !this.timeline().some((e) => e.id === entry.id)) {
            this.timeline.set([...this.timeline(), entry]);
          }
          return;
        }
        case 'measure.changed':
          if (event.data.signalId === id) this.upsertMeasure(event.data.measure);
          return;
        case 'resync':
          void this.load(id);
          return;
        case 'platform_report.changed':
          // The platform reports section keeps its own list.
          return;
      }
    });
    inject(DestroyRef).onDestroy(stop);
    effect(() => void this.load(this.id()));
    void this.api.agencies().then((agencies) => this.agencies.set(agencies));
  }

  protected async load(id: string): Promise<void> {
    try {
      const [found, timeline, measures] = await Promise.all([this.api.get(id), this.api.timeline(id), this.api.measures(id)]);
      this.signal.set(found);
      this.timeline.set(timeline);
      this.measures.set(measures);
      this.state.set('ready');
    } catch (error) {
      const failure = ApiError.from(error);
      if (failure.status === 404 || failure.status === 400) this.state.set('not-found');
      else this.notice.set({ type: 'error', text: failure.message });
    }
  }

  protected async move(to: SignalStatus): Promise<void> {
    const current = this.signal();
    if (!current?.version || this.busy()) return;
    this.busy.set(true);
    try {
      const moved = await this.api.transition(current.id, to, current.version, this.note.trim() || undefined);
      this.signal.set(moved);
      this.note = '';
      this.notice.set({ type: 'ok', text: this.i18n.t('detail.transitioned', { status: this.i18n.t(STATUS_KEY[to]) }) });
      this.timeline.set(await this.api.timeline(current.id));
    } catch (error) {
      const failure = ApiError.from(error);
      if (failure.code === 'version_conflict') {
        await this.load(current.id);
        this.notice.set({ type: 'warning', text: this.i18n.t('detail.staleTransition') });
      } else {
        this.notice.set({ type: 'error', text: failure.message });
      }
    } finally {
      this.busy.set(false);
    }
  }

  protected async addComment(): Promise<void> {
    const current = this.signal();
    const text = this.comment.trim();
    if (!current || text === '' || this.busy()) return;
    this.busy.set(true);
    try {
      const entry = await this.api.comment(current.id, text, (this.commentMarking || undefined) as Marking | undefined);
      if (!this.timeline().some((e) => e.id === entry.id)) this.timeline.set([...this.timeline(), entry]);
      this.comment = '';
      this.commentMarking = '';
      this.notice.set({ type: 'ok', text: this.i18n.t('detail.commentAdded') });
    } catch (error) {
      this.notice.set({ type: 'error', text: describe(ApiError.from(error)) });
    } finally {
      this.busy.set(false);
    }
  }

  protected async addMeasure(): Promise<void> {
    const current = this.signal();
    if (!current || this.busy()) return;
    this.busy.set(true);
    try {
      const measure = await this.api.addMeasure(current.id, {
        description: this.measureDescription.trim(),
        ownerAgency: this.measureOwner,
        ...(this.measureDue ? { dueDate: this.measureDue } : {}),
        ...(this.measureMilestone ? { dueMilestone: this.measureMilestone as MilestoneCode } : {}),
      });
      this.upsertMeasure(measure);
      this.measureDescription = '';
      this.measureDue = '';
      this.measureMilestone = '';
      this.notice.set({ type: 'ok', text: this.i18n.t('detail.measureAdded') });
    } catch (error) {
      this.notice.set({ type: 'error', text: describe(ApiError.from(error)) });
    } finally {
      this.busy.set(false);
    }
  }

  protected canUpdateMeasure(measure: Measure): boolean {
    return this.ability.can('update', measureSubject({ ...measure }));
  }

  protected async markDone(measure: Measure): Promise<void> {
    if (this.busy()) return;
    this.busy.set(true);
    try {
      this.upsertMeasure(await this.api.updateMeasure(measure.id, measure.version, { status: 'done' }));
      // The button goes away with the open status: say what happened where focus was.
      this.notice.set({ type: 'ok', text: this.i18n.t('detail.measureDone', { measure: measure.description }) });
    } catch (error) {
      const failure = ApiError.from(error);
      if (failure.code === 'version_conflict') this.measures.set(await this.api.measures(measure.signalId));
      this.notice.set({ type: 'error', text: failure.message });
    } finally {
      this.busy.set(false);
    }
  }

  protected markingText(marking: Marking): string {
    return `TLP:${marking === 'AMBER_STRICT' ? 'AMBER+STRICT' : marking}`;
  }

  protected date(value: string | null | undefined): string {
    if (!value) return '–';
    return new Date(value).toLocaleString(this.i18n.language() === 'nl' ? 'nl-NL' : 'en-GB', {
      dateStyle: 'medium',
      timeStyle: value.length > 10 ? 'short' : undefined,
    });
  }

  private upsertMeasure(measure: Measure): void {
    const others = this.measures().filter((m) => m.id !== measure.id);
    this.measures.set([...others, measure].sort((a, b) => a.createdAt.localeCompare(b.createdAt)));
  }
}

function describe(error: ApiError): string {
  const fields = error.fieldErrors.map((e) => `${e.field}: ${e.message}`);
  return fields.length > 0 ? fields.join('; ') : error.message;
}
