import { Injectable } from '@nestjs/common';
import {
  allowedTransitions,
  canReadSignal,
  defineAbilityFor,
  type FieldError,
  isAuditedOnRead,
  loosensAudience,
  type RedactedSignal,
  redactSignal,
  type Signal,
  signalSubject,
  type SignalWritableField,
  transitionKind,
} from '@verkiezingstafel/domain';
import { SqlParams } from '../authorization/ability-sql';
import { ApiError, apiProblem, validationProblem, versionConflict } from '../common/api.errors';
import type { Requester } from '../common/requester';
import { UnitOfWork } from '../database/unit-of-work';
import type { SignalQueryDto, StatsQueryDto } from './dto/signal-query.dto';
import type { CreateSignalDto, TransitionDto, UpdateSignalDto } from './dto/signal-write.dto';
import { NULLABLE_SIGNAL_FIELDS } from './dto/signal-write.dto';
import { audienceOf, SignalAccessService } from './signal-access.service';
import { SignalError, signalProblem } from './signals.errors';
import { decodeCursor, type Queryable, type SignalDraft, SignalsRepository } from './signals.repository';

export interface SignalPage {
  items: RedactedSignal[];
  nextCursor: string | null;
}

export interface SignalStats {
  total: number;
  byStatus: Record<string, number>;
  byCategory: Record<string, number>;
  bySeverity: Record<string, number>;
  byMunicipality: Record<string, number>;
}

/** The column of each field an edit may change, and the SQL type of its parameter. */
const EDITABLE_COLUMNS: Record<SignalWritableField, { column: string; cast?: string }> = {
  title: { column: 'title' },
  description: { column: 'description' },
  category: { column: 'category' },
  severity: { column: 'severity' },
  marking: { column: 'marking' },
  classification: { column: 'classification' },
  sharedWith: { column: 'shared_with', cast: 'text[]' },
  recipients: { column: 'recipients', cast: 'uuid[]' },
  affectedMunicipalities: { column: 'affected_municipalities', cast: 'text[]' },
  platforms: { column: 'platforms', cast: 'text[]' },
  evidence: { column: 'evidence', cast: 'jsonb' },
  disarmTechniques: { column: 'disarm_techniques', cast: 'text[]' },
  source: { column: 'source' },
  leadAgency: { column: 'lead_agency' },
  firstSeenAt: { column: 'first_seen_at', cast: 'timestamptz' },
};

const evidenceOf = (links: readonly { url: string; description?: string }[]) =>
  links.map((e) => ({ url: e.url, ...(e.description ? { description: e.description } : {}) }));

/** The use cases of signals: ask the ability, one transaction, emit domain events. */
@Injectable()
export class SignalsService {
  constructor(
    private readonly signals: SignalsRepository,
    private readonly access: SignalAccessService,
    private readonly unitOfWork: UnitOfWork,
  ) {}

  async list(requester: Requester, query: SignalQueryDto): Promise<SignalPage> {
    const params = new SqlParams();
    const where = [this.access.readCondition(requester.ability, params)];
    const contentFilters = query.category ?? query.severity ?? query.municipality ?? query.q;
    if (contentFilters !== undefined) {
      // Filtering on content is itself a read of that content: only where the reader sees it.
      where.push(this.access.readCondition(requester.ability, params, 'title'));
    }
    if (query.electionId) where.push(`s.election_id = ${params.add(query.electionId, 'uuid')}`);
    if (query.status) where.push(`s.status = ANY(${params.add(query.status, 'text[]')})`);
    if (query.marking) where.push(`s.marking = ANY(${params.add(query.marking, 'text[]')})`);
    if (query.category) where.push(`s.category = ANY(${params.add(query.category, 'text[]')})`);
    if (query.severity) where.push(`s.severity = ANY(${params.add(query.severity, 'text[]')})`);
    if (query.agency) {
      const agency = params.add(query.agency);
      // The lead agency is content: it only matches where the reader may read it.
      const leadReadable = this.access.readCondition(requester.ability, params, 'leadAgency');
      where.push(`(s.owner_agency = ${agency} OR (s.lead_agency = ${agency} AND ${leadReadable}))`);
    }
    if (query.municipality) where.push(`${params.add(query.municipality)} = ANY(s.affected_municipalities)`);
    if (query.q !== undefined && query.q.trim() !== '') {
      where.push(`s.search @@ websearch_to_tsquery('dutch', ${params.add(query.q)})`);
    }
    const after = query.cursor === undefined ? null : decodeCursor(query.cursor);
    if (query.cursor !== undefined && after === null) {
      throw validationProblem([{ field: 'cursor', code: 'invalid_cursor', message: 'cursor is not a cursor of this list' }]);
    }
    const page = await this.signals.page(where, params, query.limit ?? 50, after);
    const items: RedactedSignal[] = [];
    const sensitive: Signal[] = [];
    for (const signal of page.signals) {
      const redacted = redactSignal(requester.ability, signal);
      if (!redacted) continue;
      items.push(redacted);
      if (isAuditedOnRead(signal)) sensitive.push(signal);
    }
    await this.access.auditReads(requester, sensitive, 'list');
    return { items, nextCursor: page.next };
  }

  /** Counts over exactly the signals the requester may read; content counts over content it may read. */
  async stats(requester: Requester, query: StatsQueryDto): Promise<SignalStats> {
    const params = new SqlParams();
    const readable = this.access.readCondition(requester.ability, params);
    const content = this.access.readCondition(requester.ability, params, 'category');
    const scope = query.electionId
      ? `s.election_id = ${params.add(query.electionId, 'uuid')}`
      : `s.election_id IN (SELECT id FROM elections WHERE NOT exercise)`;
    const rows = await this.signals.stats(scope, readable, content, params);
    const stats: SignalStats = { total: 0, byStatus: {}, byCategory: {}, bySeverity: {}, byMunicipality: {} };
    const target = { status: stats.byStatus, category: stats.byCategory, severity: stats.bySeverity, municipality: stats.byMunicipality };
    for (const row of rows) {
      const bucket = target[row.dimension as keyof typeof target];
      if (row.key !== null) bucket[row.key] = row.n;
      if (row.dimension === 'status') stats.total += row.n;
    }
    return stats;
  }

  /** A signal the requester may read, redacted; 404 when it may not. Sensitive reads are audited. */
  async get(requester: Requester, id: string): Promise<RedactedSignal> {
    const signal = await this.access.findReadable(requester, id);
    await this.access.auditReads(requester, [signal], 'detail');
    return this.access.redact(requester, signal);
  }

  async create(requester: Requester, input: CreateSignalDto): Promise<RedactedSignal> {
    const draft: SignalDraft = {
      electionId: input.electionId,
      title: input.title,
      description: input.description,
      category: input.category,
      severity: input.severity,
      marking: input.marking,
      classification: input.classification ?? 'NONE',
      ownerAgency: requester.user.agency.code,
      leadAgency: input.leadAgency ?? null,
      sharedWith: input.sharedWith ?? [],
      recipients: (input.recipients ?? []).map((id) => id.toLowerCase()),
      affectedMunicipalities: input.affectedMunicipalities ?? [],
      platforms: input.platforms ?? [],
      evidence: evidenceOf(input.evidence ?? []),
      disarmTechniques: input.disarmTechniques ?? [],
      source: input.source ?? null,
      firstSeenAt: input.firstSeenAt ?? null,
    };
    if (!requester.ability.can('create', signalSubject(draft))) throw this.createForbidden(requester, draft);
    return this.unitOfWork.run(requester, async (tx, journal) => {
      await this.assertReferencesExist(tx, draft, true);
      const signal = await this.signals.insert(tx, draft, requester.user.id);
      await this.signals.addSystemEntry(tx, signal, this.author(requester), { change: 'created', status: signal.status });
      journal.audit({ action: 'signal.create', entityType: 'signal', entityId: signal.id, details: { marking: signal.marking, classification: signal.classification } });
      journal.emit('signal.created', { signal });
      return this.access.redact(requester, signal);
    });
  }

  async update(requester: Requester, id: string, input: UpdateSignalDto): Promise<RedactedSignal> {
    const changes = (Object.keys(EDITABLE_COLUMNS) as SignalWritableField[])
      .filter((key) => input[key] !== undefined)
      .map((key) => [key, input[key]] as [SignalWritableField, unknown]);
    if (changes.length === 0) {
      throw validationProblem([{ field: 'body', code: 'required', message: 'nothing to change: send at least one field besides version' }]);
    }
    const nulls = changes.filter(([key, value]) => value === null && !(NULLABLE_SIGNAL_FIELDS as readonly string[]).includes(key));
    if (nulls.length > 0) throw validationProblem(nulls.map(([key]) => ({ field: key, code: 'required', message: `${key} cannot be null` })));

    return this.unitOfWork.run(requester, async (tx, journal) => {
      const current = await this.access.findReadable(requester, id, { tx });
      this.assertVersion(requester, current, input.version);
      const subject = signalSubject(current);
      if (!requester.ability.can('update', subject)) {
        throw apiProblem(ApiError.Forbidden, { detail: "Only the owner agency and the lead agency's liaisons may edit this signal." });
      }
      // Field by field: `source` is the owner agency's alone to set, change or clear (rule 4),
      // whatever the value sent, so that the answer says nothing of what is stored.
      const refused: FieldError[] = changes
        .filter(([key]) => !requester.ability.can('update', subject, key))
        .map(([key]) => ({ field: key, code: 'not_allowed', message: `only the owner agency may set, change or clear ${key}` }));
      if (refused.length > 0) {
        throw apiProblem(ApiError.Forbidden, { detail: `Only the owner agency may change ${refused.map((e) => e.field).join(', ')}.`, errors: refused });
      }
      const next: Signal = { ...current };
      const record = next as unknown as Record<string, unknown>;
      for (const [key, value] of changes) {
        record[key] =
          key === 'evidence'
            ? evidenceOf(value as { url: string; description?: string }[])
            : key === 'recipients'
              ? (value as string[]).map((r) => r.toLowerCase())
              : value;
      }
      if (
        !requester.ability.can('loosen', subject) &&
        loosensAudience(audienceOf(current), audienceOf(next)) &&
        (await this.admitsNewReaders(tx, current, next))
      ) {
        throw signalProblem(SignalError.LooseningForbidden, {
          detail: 'Only the owner agency may loosen the marking or widen the audience of a signal.',
        });
      }
      if (!requester.ability.can('update', signalSubject(next))) {
        // Which rule refused it, asked of the ability: would the change pass without DEP_V?
        const clearance = next.classification === 'DEP_V' && requester.ability.can('update', signalSubject({ ...next, classification: 'NONE' }));
        throw clearance
          ? signalProblem(SignalError.ClearanceRequired, {
              detail: 'This change needs the DEP_V clearance.',
              errors: [{ field: 'classification', code: 'clearance_required', message: 'needs the DEP_V clearance' }],
            })
          : apiProblem(ApiError.Forbidden, {
              detail: 'A municipality names only itself as affected by its signals.',
              errors: [{ field: 'affectedMunicipalities', code: 'not_allowed', message: `may only contain ${requester.user.agency.code}` }],
            });
      }
      await this.assertReferencesExist(tx, next, false);

      const params = new SqlParams([id, input.version]);
      const sets = changes.map(([key]) => {
        const { column, cast } = EDITABLE_COLUMNS[key];
        const value = key === 'evidence' ? JSON.stringify(next.evidence) : record[key];
        return `${column} = ${params.add(value, cast)}`;
      });
      const signal = await this.conditionalUpdate(tx, requester, id, input.version, sets, params);
      const fields = changes.map(([key]) => key);
      const markingChange = current.marking !== signal.marking ? { from: current.marking, to: signal.marking } : undefined;
      await this.signals.addSystemEntry(tx, signal, this.author(requester), { change: 'edited', fields, ...(markingChange ? { marking: markingChange } : {}) });
      journal.audit({ action: 'signal.update', entityType: 'signal', entityId: id, details: { fields, version: signal.version, ...(markingChange ? { marking: markingChange } : {}) } });
      journal.emit('signal.updated', { signal, before: audienceOf(current) });
      // Tightening may take the signal out of the editor's own sight: the change stands, and
      // the editor learns only its id.
      return redactSignal(requester.ability, signal) ?? { id: signal.id };
    });
  }

  async transition(requester: Requester, id: string, input: TransitionDto): Promise<RedactedSignal> {
    return this.unitOfWork.run(requester, async (tx, journal) => {
      const current = await this.access.findReadable(requester, id, { tx });
      this.assertVersion(requester, current, input.version);
      const kind = transitionKind(current.status, input.to);
      if (kind === null) {
        const allowed = allowedTransitions(current.status);
        throw signalProblem(SignalError.InvalidTransition, {
          detail: `A signal that is ${current.status} cannot move to ${input.to}; allowed: ${allowed.join(', ') || 'none'}.`,
          errors: [{ field: 'to', code: 'invalid_transition', message: `allowed next states: ${allowed.join(', ') || 'none'}` }],
          from: current.status,
          allowed,
        });
      }
      const action = kind === 'chair' ? 'transition_chair' : 'transition_work';
      if (!requester.ability.can(action, signalSubject(current))) {
        throw apiProblem(ApiError.Forbidden, {
          detail: kind === 'chair' ? 'Only the chair may make this transition.' : 'Only the owner or lead agency and the chair may make this transition.',
        });
      }
      const params = new SqlParams([id, input.version]);
      const sets = [`status = ${params.add(input.to)}`];
      if (input.to === 'triaged') sets.push('triaged_at = coalesce(triaged_at, now())');
      if (input.to === 'mitigated') sets.push('mitigated_at = now()');
      const signal = await this.conditionalUpdate(tx, requester, id, input.version, sets, params);
      await this.signals.addSystemEntry(tx, signal, this.author(requester), { change: 'transition', from: current.status, to: input.to }, input.note);
      journal.audit({ action: 'signal.transition', entityType: 'signal', entityId: id, details: { from: current.status, to: input.to, version: signal.version } });
      journal.emit('signal.updated', { signal, before: audienceOf(current) });
      return this.access.redact(requester, signal);
    });
  }

  private author(requester: Requester): { id: string; agency: string } {
    return { id: requester.user.id, agency: requester.user.agency.code };
  }

  /** A stale version is a 409 that carries the current record, as this reader may see it. */
  private assertVersion(requester: Requester, current: Signal, version: number): void {
    if (current.version !== version) throw versionConflict('signal', version, current.version, this.access.redact(requester, current));
  }

  /** A lost race (another write took the version first) is a 409 with the winner's record. */
  private async conditionalUpdate(tx: Queryable, requester: Requester, id: string, version: number, sets: string[], params: SqlParams): Promise<Signal> {
    const signal = await this.signals.updateIfVersion(tx, sets, params);
    if (signal) return signal;
    const current = await this.access.findReadable(requester, id, { tx });
    this.assertVersion(requester, current, version);
    throw new Error('Conditional update matched no row although the version is current');
  }

  /**
   * Whether `next` admits a reader that `current` does not. `loosensAudience` counts every
   * agency added to `sharedWith` and every recipient added; those that already read the signal
   * (the lead agency making an AMBER signal AMBER+STRICT shared with itself, or RED for its own
   * liaison) gain nothing, so for them the change is a tightening.
   */
  private async admitsNewReaders(tx: Queryable, current: Signal, next: Signal): Promise<boolean> {
    const added = (before: string[], after: string[]) => after.filter((item) => !before.includes(item));
    const known = (before: string[], after: string[]) => after.filter((item) => before.includes(item));
    const withoutAdditions: Signal = {
      ...next,
      sharedWith: known(current.sharedWith, next.sharedWith),
      recipients: known(current.recipients, next.recipients),
    };
    if (loosensAudience(audienceOf(current), audienceOf(withoutAdditions))) return true;
    // An added agency stands for any of its readers (a liaison with the clearance); a recipient for itself.
    const readers = await this.signals.potentialReaders(tx, added(current.sharedWith, next.sharedWith), added(current.recipients, next.recipients));
    return readers.some((reader) => {
      const ability = defineAbilityFor({ id: reader.id, agency: { code: reader.code, type: reader.type }, roles: reader.roles, clearance: reader.clearance });
      return canReadSignal(ability, next) && !canReadSignal(ability, current);
    });
  }

  private createForbidden(requester: Requester, draft: Pick<SignalDraft, 'classification' | 'affectedMunicipalities'>) {
    if (draft.classification === 'DEP_V' && requester.user.clearance !== 'DEP_V') {
      return signalProblem(SignalError.ClearanceRequired, {
        detail: 'Classifying a signal Departementaal Vertrouwelijk needs the DEP_V clearance.',
        errors: [{ field: 'classification', code: 'clearance_required', message: 'needs the DEP_V clearance' }],
      });
    }
    if (requester.user.roles.includes('municipal')) {
      return apiProblem(ApiError.Forbidden, {
        detail: 'A municipality raises signals about its own municipality only.',
        errors: [{ field: 'affectedMunicipalities', code: 'not_allowed', message: `may only contain ${requester.user.agency.code}` }],
      });
    }
    return apiProblem(ApiError.Forbidden, { detail: 'Your role may not raise signals.' });
  }

  /** Codes and ids must name things that exist: a 400 naming the field and the entry. */
  private async assertReferencesExist(
    tx: Queryable,
    record: Pick<Signal, 'electionId' | 'leadAgency' | 'sharedWith' | 'recipients' | 'affectedMunicipalities'>,
    checkElection: boolean,
  ): Promise<void> {
    const known = await this.signals.knownReferences(tx, {
      electionId: record.electionId,
      agencies: [...record.sharedWith, ...(record.leadAgency ? [record.leadAgency] : [])],
      municipalities: record.affectedMunicipalities,
      users: record.recipients,
    });
    const errors: FieldError[] = [];
    if (checkElection && known.elections.length === 0) errors.push({ field: 'electionId', code: 'unknown_election', message: 'no such election' });
    if (record.leadAgency && !known.agencies.includes(record.leadAgency)) {
      errors.push({ field: 'leadAgency', code: 'unknown_agency', message: `no agency ${record.leadAgency}` });
    }
    record.sharedWith.forEach((code, i) => {
      if (!known.agencies.includes(code)) errors.push({ field: `sharedWith[${i}]`, code: 'unknown_agency', message: `no agency ${code}` });
    });
    record.affectedMunicipalities.forEach((code, i) => {
      if (!known.municipalities.includes(code)) {
        errors.push({ field: `affectedMunicipalities[${i}]`, code: 'unknown_municipality', message: `no municipality ${code}` });
      }
    });
    record.recipients.forEach((id, i) => {
      if (!known.users.includes(id)) errors.push({ field: `recipients[${i}]`, code: 'unknown_user', message: `no active user ${id}` });
    });
    if (errors.length > 0) throw validationProblem(errors);
  }
}
