import {
  ChangeDetectionStrategy,
  Component,
  computed,
  effect,
  inject,
  signal,
  viewChild,
} from '@angular/core';
import { toSignal } from '@angular/core/rxjs-interop';
import { NonNullableFormBuilder, ReactiveFormsModule } from '@angular/forms';
import {
  type Agency,
  ELECTION_PHASES,
  ELECTION_TYPES,
  type Election,
  type ElectionPhase,
  type ElectionType,
  MILESTONE_CODES,
  type Milestone,
  type MilestoneCode,
} from '@verkiezingstafel/domain';
import { ApiError } from '../../core/api/api-error';
import { injectAbility } from '../../core/auth/ability';
import { I18nService } from '../../core/i18n/i18n.service';
import type { MessageKey } from '../../core/i18n/messages.nl';
import { TranslatePipe } from '../../core/i18n/translate.pipe';
import { AlertComponent } from '../../shared/alert.component';
import { formatDate } from '../../shared/dates';
import { ErrorSummaryComponent } from '../../shared/forms/error-summary.component';
import { injectFieldErrors } from '../../shared/forms/field-errors';
import { FormFieldComponent, type FormFieldOption } from '../../shared/forms/form-field.component';
import type { FormMessage } from '../../shared/forms/form-message';
import { BoardStore } from '../../signals/board.store';
import { MILESTONE_KEY } from '../../signals/labels';
import { type ElectionInput, ElectionsApi } from './elections.api';

export const ELECTION_TYPE_KEY = {
  TK: 'electionType.TK',
  EK: 'electionType.EK',
  PS: 'electionType.PS',
  WS: 'electionType.WS',
  GR: 'electionType.GR',
  EP: 'electionType.EP',
} as const satisfies Record<ElectionType, MessageKey>;

export const ELECTION_PHASE_KEY = {
  preparation: 'phase.preparation',
  campaign: 'phase.campaign',
  election_day: 'phase.election_day',
  counting: 'phase.counting',
  evaluation: 'phase.evaluation',
} as const satisfies Record<ElectionPhase, MessageKey>;

const TYPE_OPTIONS: readonly FormFieldOption[] = ELECTION_TYPES.map((type) => ({
  value: type,
  label: ELECTION_TYPE_KEY[type],
  detail: type,
}));
const PHASE_OPTIONS: readonly FormFieldOption[] = ELECTION_PHASES.map((phase) => ({ value: phase, label: ELECTION_PHASE_KEY[phase] }));

/** The same shape the API checks; the API decides, this catches a typo before sending. */
const CODE_PATTERN = /^[A-Z]{2}\d{4}[A-Z0-9-]{0,12}$/;
const DATE_PATTERN = /^\d{4}-\d{2}-\d{2}$/;

type Field = 'code' | 'name' | 'type' | 'electionDay' | 'phase' | 'exercise' | 'municipalities' | MilestoneField;
type MilestoneField = `milestone.${MilestoneCode}`;

const FIELD_IDS: Record<Field, string> = {
  code: 'election-code',
  name: 'election-name',
  type: 'election-type',
  electionDay: 'election-day',
  phase: 'election-phase',
  exercise: 'election-exercise',
  municipalities: 'election-scope-some',
  'milestone.candidate_nomination': 'election-milestone-candidate_nomination',
  'milestone.polling_day': 'election-milestone-polling_day',
  'milestone.count': 'election-milestone-count',
  'milestone.results': 'election-milestone-results',
};
const FIELDS = Object.keys(FIELD_IDS) as Field[];

function isType(value: string): value is ElectionType {
  return (ELECTION_TYPES as readonly string[]).includes(value);
}

function isPhase(value: string): value is ElectionPhase {
  return (ELECTION_PHASES as readonly string[]).includes(value);
}

/**
 * Elections the table meets for. Everyone reads the list; administrators create elections,
 * exercises included, which are marked as such wherever an election is shown.
 */
@Component({
  selector: 'vt-elections-page',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [ReactiveFormsModule, TranslatePipe, AlertComponent, ErrorSummaryComponent, FormFieldComponent],
  templateUrl: './elections-page.component.html',
})
export class ElectionsPageComponent {
  private readonly api = inject(ElectionsApi);
  private readonly i18n = inject(I18nService);
  private readonly board = inject(BoardStore);
  private readonly summary = viewChild(ErrorSummaryComponent);
  private readonly ability = injectAbility();

  protected readonly ids = FIELD_IDS;
  protected readonly milestoneCodes = MILESTONE_CODES;
  protected readonly typeOptions = TYPE_OPTIONS;
  protected readonly phaseOptions = PHASE_OPTIONS;
  protected readonly typeKey = ELECTION_TYPE_KEY;
  protected readonly phaseKey = ELECTION_PHASE_KEY;
  protected readonly milestoneKey = MILESTONE_KEY;

  protected readonly elections = signal<Election[]>([]);
  protected readonly loading = signal(true);
  protected readonly failure = signal<string | null>(null);
  protected readonly municipalities = signal<Agency[]>([]);
  protected readonly chosen = signal<ReadonlySet<string>>(new Set());
  protected readonly busy = signal(false);
  protected readonly created = signal<string | null>(null);
  protected readonly submitFailure = signal<string | null>(null);

  protected readonly canCreate = computed(() => this.ability.can('create', 'Election'));

  private readonly fb = inject(NonNullableFormBuilder);
  protected readonly form = this.fb.group({
    code: '',
    name: '',
    type: '',
    electionDay: '',
    phase: 'preparation',
    exercise: false,
    scope: this.fb.control<'all' | 'some'>('all'),
    milestones: this.fb.group({ candidate_nomination: '', polling_day: '', count: '', results: '' }),
  });
  protected readonly scope = toSignal(this.form.controls.scope.valueChanges, { initialValue: this.form.controls.scope.value });

  private readonly fieldErrors = injectFieldErrors(FIELD_IDS, this.summary);
  protected readonly errors = this.fieldErrors.texts;
  protected readonly summaryItems = this.fieldErrors.summary;

  constructor() {
    void this.load();
    // The municipalities to choose from matter only to whoever may create an election.
    let asked = false;
    effect(() => {
      if (!this.canCreate() || asked) return;
      asked = true;
      void this.api.municipalities().then((agencies) => this.municipalities.set(agencies));
    });
  }

  protected date(value: string): string {
    return formatDate(this.i18n.language(), value);
  }

  protected milestoneError(code: MilestoneCode): string | undefined {
    return this.errors()[`milestone.${code}`];
  }

  protected isChosen(code: string): boolean {
    return this.chosen().has(code);
  }

  protected toggle(code: string, event: Event): void {
    const next = new Set(this.chosen());
    if ((event.target as HTMLInputElement).checked) next.add(code);
    else next.delete(code);
    this.chosen.set(next);
  }

  protected async submit(): Promise<void> {
    if (this.busy()) return;
    this.created.set(null);
    this.submitFailure.set(null);
    const input = this.check();
    if (!input) {
      this.fieldErrors.focusSummary();
      return;
    }
    this.busy.set(true);
    try {
      const election = await this.api.create(input);
      this.elections.set(await this.api.list().catch(() => [election, ...this.elections()]));
      this.board.electionsChanged();
      this.form.reset();
      this.chosen.set(new Set());
      this.created.set(election.code);
    } catch (error) {
      this.fail(ApiError.from(error), input);
    } finally {
      this.busy.set(false);
    }
  }

  private async load(): Promise<void> {
    this.loading.set(true);
    try {
      this.elections.set(await this.api.list());
    } catch (error) {
      const failure = ApiError.from(error);
      this.failure.set(failure.isNetworkError ? this.i18n.t('error.network') : failure.message);
    } finally {
      this.loading.set(false);
    }
  }

  /** The input for the API, or null with the field errors shown. */
  private check(): ElectionInput | null {
    const value = this.form.getRawValue();
    const code = value.code.trim().toUpperCase();
    const errors: Partial<Record<Field, FormMessage>> = {};
    const required = (label: MessageKey): FormMessage => ({
      key: 'form.error.required',
      params: { field: this.i18n.t(label).toLowerCase() },
    });
    const choose = (label: MessageKey): FormMessage => ({ key: 'form.error.choose', params: { field: this.i18n.t(label).toLowerCase() } });

    if (code === '') errors.code = required('election.code');
    else if (!CODE_PATTERN.test(code)) errors.code = { key: 'elections.error.code' };
    if (value.name.trim() === '') errors.name = required('election.name');
    if (!isType(value.type)) errors.type = choose('election.type');
    if (!DATE_PATTERN.test(value.electionDay)) errors.electionDay = { key: 'elections.error.date' };
    if (!isPhase(value.phase)) errors.phase = choose('election.phase');
    if (value.scope === 'some' && this.chosen().size === 0) errors.municipalities = { key: 'elections.error.municipalities' };
    const milestones: Milestone[] = [];
    for (const milestone of MILESTONE_CODES) {
      const date = value.milestones[milestone];
      if (date === '') continue;
      if (DATE_PATTERN.test(date)) milestones.push({ code: milestone, date });
      else errors[`milestone.${milestone}`] = { key: 'elections.error.date' };
    }
    this.fieldErrors.set(errors);
    if (Object.keys(errors).length > 0 || !isType(value.type) || !isPhase(value.phase)) return null;
    return {
      code,
      name: value.name.trim(),
      type: value.type,
      electionDay: value.electionDay,
      phase: value.phase,
      exercise: value.exercise,
      milestones,
      ...(value.scope === 'some' ? { municipalities: [...this.chosen()].sort() } : {}),
    };
  }

  /** problem+json field errors, each on its own field. */
  private fail(error: ApiError, input: ElectionInput): void {
    const errors: Partial<Record<Field, FormMessage>> = {};
    for (const fieldError of error.fieldErrors) {
      const field = this.fieldOf(fieldError.field, input);
      if (field === null) continue;
      errors[field] ??= this.messageFor(field, error, input);
    }
    if (Object.keys(errors).length > 0) {
      this.fieldErrors.set(errors);
      this.fieldErrors.focusSummary();
      return;
    }
    this.fieldErrors.set({});
    this.submitFailure.set(error.isNetworkError ? this.i18n.t('error.network') : error.message);
  }

  /** `milestones[1].date` names the second milestone sent, which is a field of its own here. */
  private fieldOf(path: string, input: ElectionInput): Field | null {
    const milestone = /^milestones\[(\d+)\]/.exec(path);
    if (milestone) {
      const code = input.milestones[Number(milestone[1])]?.code;
      return code ? `milestone.${code}` : null;
    }
    const root = path.replace(/[[.].*$/, '');
    return (FIELDS as readonly string[]).includes(root) ? (root as Field) : null;
  }

  private messageFor(field: Field, error: ApiError, input: ElectionInput): FormMessage {
    switch (field) {
      case 'code':
        return error.code === 'duplicate_code'
          ? { key: 'elections.error.duplicateCode', params: { code: input.code } }
          : { key: 'elections.error.code' };
      case 'name':
        return { key: 'form.error.required', params: { field: this.i18n.t('election.name').toLowerCase() } };
      case 'type':
        return { key: 'form.error.choose', params: { field: this.i18n.t('election.type').toLowerCase() } };
      case 'phase':
        return { key: 'form.error.choose', params: { field: this.i18n.t('election.phase').toLowerCase() } };
      case 'electionDay':
        return { key: 'elections.error.date' };
      case 'municipalities':
        return { key: 'elections.error.municipalities' };
      case 'exercise':
        return { key: 'error.fieldInvalid' };
      case 'milestone.candidate_nomination':
      case 'milestone.polling_day':
      case 'milestone.count':
      case 'milestone.results':
        return error.fieldErrors.some((e) => e.field.endsWith('.code'))
          ? { key: 'elections.error.milestoneTwice' }
          : { key: 'elections.error.date' };
    }
  }
}
