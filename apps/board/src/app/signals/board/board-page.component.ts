import { ChangeDetectionStrategy, Component, computed, effect, inject, input, signal } from '@angular/core';
import { FormsModule } from '@angular/forms';
import { RouterLink } from '@angular/router';
import {
  type Agency,
  MARKINGS,
  type RedactedSignal,
  SEVERITIES,
  SIGNAL_CATEGORIES,
  SIGNAL_STATUSES,
} from '@verkiezingstafel/domain';
import { injectAbility } from '../../core/auth/ability';
import { I18nService } from '../../core/i18n/i18n.service';
import { TranslatePipe } from '../../core/i18n/translate.pipe';
import { AlertComponent } from '../../shared/alert.component';
import { MarkingLabelComponent } from '../../shared/marking-label.component';
import { BoardStore } from '../board.store';
import { CATEGORY_KEY, SEVERITY_KEY, STATUS_KEY } from '../labels';
import { type SignalFilters, SignalsApi } from '../signals.api';

interface FilterForm {
  status: string;
  category: string;
  severity: string;
  marking: string;
  municipality: string;
  q: string;
}

const EMPTY_FILTERS: FilterForm = { status: '', category: '', severity: '', marking: '', municipality: '', q: '' };

/** The situation board: a column per status, a card per signal, live. */
@Component({
  selector: 'vt-board-page',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [FormsModule, RouterLink, TranslatePipe, AlertComponent, MarkingLabelComponent],
  templateUrl: './board-page.component.html',
})
export class BoardPageComponent {
  /** `?verkiezing=TK2025` chooses the election. */
  readonly verkiezing = input<string | undefined>(undefined);

  protected readonly store = inject(BoardStore);
  private readonly api = inject(SignalsApi);
  private readonly i18n = inject(I18nService);
  protected readonly ability = injectAbility();

  protected readonly statuses = SIGNAL_STATUSES;
  protected readonly categories = SIGNAL_CATEGORIES;
  protected readonly severities = SEVERITIES;
  protected readonly markings = MARKINGS;
  protected readonly statusKey = STATUS_KEY;
  protected readonly categoryKey = CATEGORY_KEY;
  protected readonly severityKey = SEVERITY_KEY;
  protected readonly municipalities = signal<Agency[]>([]);
  protected form: FilterForm = { ...EMPTY_FILTERS, ...this.store.filters() };

  protected readonly canCreate = computed(() => this.ability.can('create', 'Signal'));
  /** An exercise says so in the heading too, not only in the banner below it. */
  protected readonly electionLabel = computed(() => {
    const election = this.store.election();
    if (!election) return '';
    return election.exercise ? `${election.code} (${this.i18n.t('election.exercise').toLowerCase()})` : election.code;
  });
  protected readonly total = computed(() => this.store.signals().length);
  protected readonly unseenCount = computed(() => this.store.unseen().size);
  protected readonly liveText = computed(() => {
    const news = this.store.announcement();
    if (!news) return '';
    return news.kind === 'revoked' ? this.i18n.t('board.removedLive') : this.i18n.t('board.updatedLive', { title: news.title });
  });

  constructor() {
    effect(() => {
      void this.store.open(this.verkiezing());
    });
    void this.api.agencies().then((agencies) => this.municipalities.set(agencies.filter((a) => a.type === 'municipality')));
  }

  protected applyFilters(): void {
    const filters: SignalFilters = {};
    for (const [key, value] of Object.entries(this.form) as [keyof FilterForm, string][]) {
      if (value.trim() !== '') filters[key] = value.trim();
    }
    void this.store.setFilters(filters);
  }

  protected clearFilters(): void {
    this.form = { ...EMPTY_FILTERS };
    void this.store.setFilters({});
  }

  protected chooseElection(id: string): void {
    const election = this.store.elections().find((e) => e.id === id);
    if (election) void this.store.open(election.code);
  }

  protected columnHeadingId(status: string): string {
    return `column-${status}`;
  }

  protected severityOf(signal: RedactedSignal): string {
    return signal.severity ?? 'unknown';
  }
}
