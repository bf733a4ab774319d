import {
  ChangeDetectionStrategy,
  Component,
  type ElementRef,
  computed,
  effect,
  inject,
  input,
  signal,
  viewChild,
} from '@angular/core';
import { FormsModule } from '@angular/forms';
import { Router, RouterLink } from '@angular/router';
import {
  type Agency,
  type Classification,
  type Marking,
  isStricterOrEqual,
  MARKINGS,
  PLATFORMS,
  type Platform,
  type RedactedSignal,
  SEVERITIES,
  SIGNAL_CATEGORIES,
  type Severity,
  type SignalCategory,
  type SignalRecord,
  signalSubject,
} from '@verkiezingstafel/domain';
import { ApiError } from '../../core/api/api-error';
import { injectAbility } from '../../core/auth/ability';
import { AuthService } from '../../core/auth/auth.service';
import { I18nService } from '../../core/i18n/i18n.service';
import type { MessageKey } from '../../core/i18n/messages.nl';
import { TranslatePipe } from '../../core/i18n/translate.pipe';
import { AlertComponent } from '../../shared/alert.component';
import { ErrorSummaryComponent, type SummaryItem } from '../../shared/forms/error-summary.component';
import { MarkingLabelComponent } from '../../shared/marking-label.component';
import { BoardStore } from '../board.store';
import { CATEGORY_KEY, MARKING_CHOICE_KEY, SEVERITY_KEY } from '../labels';
import { type DirectoryEntry, type SignalInput, SignalsApi } from '../signals.api';

/** The form's own model: text where the user types lists. */
interface Draft {
  title: string;
  description: string;
  category: SignalCategory | '';
  severity: Severity | '';
  marking: Marking | '';
  depv: boolean;
  sharedWith: string[];
  recipients: string[];
  affectedMunicipalities: string[];
  platforms: Platform[];
  evidence: string;
  disarmTechniques: string;
  source: string;
  leadAgency: string;
}

const FIELD_IDS: Record<string, string> = {
  title: 'signal-title',
  description: 'signal-description',
  category: 'signal-category',
  severity: 'signal-severity',
  marking: 'signal-marking-CLEAR',
  classification: 'signal-depv',
  sharedWith: 'signal-shared',
  recipients: 'signal-recipients',
  affectedMunicipalities: 'signal-municipalities',
  platforms: 'signal-platforms',
  evidence: 'signal-evidence',
  disarmTechniques: 'signal-disarm',
  source: 'signal-source',
  leadAgency: 'signal-lead',
  electionId: 'signal-title',
};

function emptyDraft(): Draft {
  return {
    title: '',
    description: '',
    category: '',
    severity: '',
    marking: '',
    depv: false,
    sharedWith: [],
    recipients: [],
    affectedMunicipalities: [],
    platforms: [],
    evidence: '',
    disarmTechniques: '',
    source: '',
    leadAgency: '',
  };
}

function draftOf(signal: RedactedSignal): Draft {
  return {
    title: signal.title ?? '',
    description: signal.description ?? '',
    category: signal.category ?? '',
    severity: signal.severity ?? '',
    marking: signal.marking ?? '',
    depv: signal.classification === 'DEP_V',
    sharedWith: [...(signal.sharedWith ?? [])],
    recipients: [...(signal.recipients ?? [])],
    affectedMunicipalities: [...(signal.affectedMunicipalities ?? [])],
    platforms: [...(signal.platforms ?? [])],
    evidence: (signal.evidence ?? []).map((e) => e.url).join('\n'),
    disarmTechniques: (signal.disarmTechniques ?? []).join(', '),
    source: signal.source ?? '',
    leadAgency: signal.leadAgency ?? '',
  };
}

/** What the API receives for a draft. */
function toInput(d: Draft): SignalInput {
  return {
    title: d.title.trim(),
    description: d.description.trim(),
    category: d.category as SignalCategory,
    severity: d.severity as Severity,
    marking: d.marking as Marking,
    classification: (d.depv ? 'DEP_V' : 'NONE') as Classification,
    sharedWith: d.sharedWith,
    recipients: d.marking === 'RED' ? d.recipients : [],
    affectedMunicipalities: d.affectedMunicipalities,
    platforms: d.platforms,
    evidence: d.evidence
      .split('\n')
      .map((line) => line.trim())
      .filter((line) => line !== '')
      .map((url) => ({ url })),
    disarmTechniques: d.disarmTechniques
      .split(',')
      .map((t) => t.trim())
      .filter((t) => t !== ''),
    source: d.source.trim() === '' ? null : d.source.trim(),
    leadAgency: d.leadAgency === '' ? null : d.leadAgency,
  };
}

/** Creates a signal, or edits one with optimistic locking and a conflict dialog on 409. */
@Component({
  selector: 'vt-signal-form-page',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [FormsModule, RouterLink, TranslatePipe, AlertComponent, ErrorSummaryComponent, MarkingLabelComponent],
  templateUrl: './signal-form-page.component.html',
})
export class SignalFormPageComponent {
  /** The signal to edit; absent for a new one. */
  readonly id = input<string | undefined>(undefined);

  private readonly api = inject(SignalsApi);
  private readonly router = inject(Router);
  private readonly i18n = inject(I18nService);
  private readonly board = inject(BoardStore);
  /** The election a new signal is raised in: the one the board shows. */
  protected readonly election = this.board.election;
  private readonly user = inject(AuthService).user;
  private readonly ability = injectAbility();
  private readonly summary = viewChild(ErrorSummaryComponent);
  private readonly dialog = viewChild<ElementRef<HTMLDialogElement>>('conflictDialog');

  protected readonly categories = SIGNAL_CATEGORIES;
  protected readonly severities = SEVERITIES;
  protected readonly platforms = PLATFORMS;
  protected readonly categoryKey = CATEGORY_KEY;
  protected readonly severityKey = SEVERITY_KEY;
  protected readonly markingKey = MARKING_CHOICE_KEY;

  protected draft: Draft = emptyDraft();
  /** The version the edit started from, and the record as it was then. */
  private readonly base = signal<RedactedSignal | null>(null);
  protected readonly agencies = signal<Agency[]>([]);
  protected readonly directory = signal<DirectoryEntry[]>([]);
  protected readonly errors = signal<Record<string, string>>({});
  protected readonly summaryItems = signal<SummaryItem[]>([]);
  protected readonly busy = signal(false);
  protected readonly failure = signal<string | null>(null);
  protected readonly conflict = signal<RedactedSignal | null>(null);
  protected readonly loaded = signal(false);

  protected readonly editing = computed(() => this.id() !== undefined);
  /**
   * What the form offers is what the ability of libs/domain admits for the record it would
   * write: raised by the user's agency, or the signal being edited. The API decides again.
   */
  private mayWrite(changes: Partial<SignalRecord>): boolean {
    const base = this.base();
    return this.ability.can(
      this.editing() ? 'update' : 'create',
      signalSubject({
        ownerAgency: base?.ownerAgency ?? this.user()?.agency.code ?? '',
        leadAgency: base?.leadAgency ?? null,
        marking: base?.marking ?? 'GREEN',
        classification: base?.classification ?? 'NONE',
        sharedWith: [...(base?.sharedWith ?? [])],
        recipients: [...(base?.recipients ?? [])],
        affectedMunicipalities: [...(changes.affectedMunicipalities ?? [])],
        ...(changes.classification ? { classification: changes.classification } : {}),
      }),
    );
  }
  /** DEP_V is offered to whom the ability lets write a DEP_V signal (the clearance). */
  protected readonly cleared = computed(() => this.mayWrite({ classification: 'DEP_V' }));
  protected readonly tableAgencies = computed(() => this.agencies().filter((a) => a.type !== 'municipality'));
  /** The municipalities this user may name as affected (a municipality: itself only). */
  protected readonly municipalities = computed(() =>
    this.agencies().filter((a) => a.type === 'municipality' && this.mayWrite({ affectedMunicipalities: [a.code] })),
  );
  /** Every marking on a new signal; on an edit, looser ones only where the ability lets loosen (the owner). */
  protected readonly markings = computed(() => {
    const base = this.base();
    if (!base?.marking || !this.editing()) return MARKINGS;
    const record = {
      ownerAgency: base.ownerAgency ?? '',
      leadAgency: base.leadAgency ?? null,
      marking: base.marking,
      classification: base.classification ?? 'NONE',
      sharedWith: [...(base.sharedWith ?? [])],
      recipients: [...(base.recipients ?? [])],
      affectedMunicipalities: [...(base.affectedMunicipalities ?? [])],
    };
    if (this.ability.can('loosen', signalSubject(record))) return MARKINGS;
    return MARKINGS.filter((marking) => isStricterOrEqual(marking, base.marking!));
  });

  constructor() {
    void Promise.all([this.api.agencies(), this.api.directory()]).then(([agencies, directory]) => {
      this.agencies.set(agencies);
      this.directory.set(directory);
    });
    effect(() => {
      const id = this.id();
      if (id === undefined) {
        if (this.board.electionId() === null) void this.board.open();
        this.loaded.set(true);
        return;
      }
      void this.api.get(id).then(
        (signal) => {
          this.base.set(signal);
          this.draft = draftOf(signal);
          this.loaded.set(true);
        },
        (error: unknown) => this.failure.set(ApiError.from(error).message),
      );
    });
  }

  protected toggle(list: 'sharedWith' | 'recipients' | 'affectedMunicipalities' | 'platforms', value: string, on: boolean): void {
    const current = this.draft[list] as string[];
    const next = on ? [...new Set([...current, value])] : current.filter((v) => v !== value);
    (this.draft[list] as string[]) = next;
  }

  protected has(list: 'sharedWith' | 'recipients' | 'affectedMunicipalities' | 'platforms', value: string): boolean {
    return (this.draft[list] as string[]).includes(value);
  }

  protected async submit(): Promise<void> {
    if (this.busy()) return;
    const problems = this.check();
    if (problems.length > 0) {
      this.show(problems);
      return;
    }
    const input = toInput(this.draft);
    this.busy.set(true);
    this.failure.set(null);
    try {
      const id = this.id();
      let saved: RedactedSignal;
      const base = this.base();
      if (id !== undefined && base) {
        saved = await this.api.update(id, base.version ?? 0, this.changes(input, base));
      } else {
        const electionId = this.board.electionId() ?? (await this.firstElectionId());
        saved = await this.api.create(electionId, input);
      }
      await this.router.navigate(['/signalen', saved.id]);
    } catch (error) {
      this.handle(ApiError.from(error));
    } finally {
      this.busy.set(false);
    }
  }

  /** Conflict dialog: discard the edit and show the version someone else saved. */
  protected takeTheirs(): void {
    const current = this.conflict();
    if (current) {
      this.base.set(current);
      this.draft = draftOf(current);
    }
    this.closeConflict();
  }

  /** Conflict dialog: keep typing over the newest version; the next save applies to it. */
  protected keepMine(): void {
    const current = this.conflict();
    if (current) this.base.set(current);
    this.closeConflict();
  }

  protected markingText(marking: Marking): string {
    return `TLP:${marking === 'AMBER_STRICT' ? 'AMBER+STRICT' : marking}`;
  }

  protected agencyName(code: string): string {
    return this.agencies().find((a) => a.code === code)?.name ?? code;
  }

  private closeConflict(): void {
    this.dialog()?.nativeElement.close();
    this.conflict.set(null);
    this.document()?.getElementById('signal-title')?.focus();
  }

  private document(): Document | null {
    return this.dialog()?.nativeElement.ownerDocument ?? null;
  }

  private async firstElectionId(): Promise<string> {
    await this.board.open();
    const id = this.board.electionId();
    if (!id) throw new ApiError(0, { type: 'about:blank', title: this.i18n.t('board.noElection'), status: 0 });
    return id;
  }

  private check(): SummaryItem[] {
    const missing: [keyof Draft, MessageKey][] = [
      ['title', 'signal.title'],
      ['description', 'signal.description'],
      ['category', 'signal.category'],
      ['severity', 'signal.severity'],
    ];
    const items: SummaryItem[] = [];
    const errors: Record<string, string> = {};
    for (const [field, label] of missing) {
      if (String(this.draft[field]).trim() === '') {
        errors[field] = this.i18n.t('form.error.required', { field: this.i18n.t(label).toLowerCase() });
        items.push({ fieldId: FIELD_IDS[field], message: errors[field] });
      }
    }
    if (this.draft.marking === '') {
      errors['marking'] = this.i18n.t('form.error.marking');
      items.push({ fieldId: FIELD_IDS['marking'], message: errors['marking'] });
    }
    this.errors.set(errors);
    return items;
  }

  /** Only what the user changed goes into the PATCH (and never a field it could not read). */
  private changes(input: SignalInput, base: RedactedSignal): Partial<SignalInput> {
    const before = toInput(draftOf(base));
    const changes: Partial<Record<keyof SignalInput, unknown>> = {};
    for (const key of Object.keys(input) as (keyof SignalInput)[]) {
      if (key === 'source' && base.source === undefined) continue;
      if (JSON.stringify(input[key]) !== JSON.stringify(before[key])) changes[key] = input[key];
    }
    return changes as Partial<SignalInput>;
  }

  private handle(error: ApiError): void {
    if (error.code === 'version_conflict') {
      const current = error.problem['current'] as RedactedSignal | undefined;
      this.conflict.set(current ?? null);
      this.dialog()?.nativeElement.showModal();
      return;
    }
    if (error.fieldErrors.length > 0) {
      const errors: Record<string, string> = {};
      const items: SummaryItem[] = [];
      for (const fieldError of error.fieldErrors) {
        const root = fieldError.field.replace(/[[.].*$/, '');
        errors[root] ??= fieldError.message;
        items.push({ fieldId: FIELD_IDS[root], message: `${fieldError.field}: ${fieldError.message}` });
      }
      this.errors.set(errors);
      this.show(items);
      return;
    }
    this.failure.set(error.message);
  }

  private show(items: SummaryItem[]): void {
    this.summaryItems.set(items);
    setTimeout(() => this.summary()?.focus());
  }
}
