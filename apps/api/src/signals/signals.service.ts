import { Injectable } from '@nestjs/common';
import {
  type AgencyType,
  allowedTransitions,
  type AppAbility,
  canReadSignal,
  type Clearance,
  defineAbilityFor,
  type FieldError,
  isAuditedOnRead,
  isStricterOrEqual,
  loosensAudience,
  readableSignalFields,
  type MarkedRecord,
  type RedactedSignal,
  redactSignal,
  type Role,
  type Signal,
  signalSubject,
  transitionKind,
} from '@verkiezingstafel/domain';
import { DataSource, type EntityManager } from 'typeorm';
import { abilityToSql, SqlParams } from '../authorization/ability-sql';
import { notFound, ProblemException, validationProblem } from '../common/problem.exception';
import type { Requester } from '../common/requester';
import { UnitOfWork, writeAudit } from '../database/unit-of-work';
import type { CreateSignalDto, TransitionDto, UpdateSignalDto } from './dto/signal-write.dto';
import { NULLABLE_SIGNAL_FIELDS } from './dto/signal-write.dto';
import type { SignalQueryDto, StatsQueryDto } from './dto/signal-query.dto';
import { decodeCursor, encodeCursor, SIGNAL_COLUMNS, SIGNAL_SELECT, type SignalRow, toSignal } from './signal.mapper';

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

type Queryable = Pick<EntityManager, 'query'>;

export function audienceOf(signal: Signal): MarkedRecord {
  return {
    ownerAgency: signal.ownerAgency,
    marking: signal.marking,
    classification: signal.classification,
    sharedWith: signal.sharedWith,
    recipients: signal.recipients,
    affectedMunicipalities: signal.affectedMunicipalities,
  };
}

const EDITABLE_COLUMNS: Partial<Record<keyof UpdateSignalDto, string>> = {
  title: 'title',
  description: 'description',
  category: 'category',
  severity: 'severity',
  marking: 'marking',
  classification: 'classification',
  sharedWith: 'shared_with',
  recipients: 'recipients',
  affectedMunicipalities: 'affected_municipalities',
  platforms: 'platforms',
  evidence: 'evidence',
  disarmTechniques: 'disarm_techniques',
  source: 'source',
  leadAgency: 'lead_agency',
  firstSeenAt: 'first_seen_at',
};

@Injectable()
export class SignalsService {
  constructor(
    private readonly db: DataSource,
    private readonly unitOfWork: UnitOfWork,
  ) {}

  /** The SQL condition "the requester may read this signal" (`s` is `signals`). */
  readCondition(ability: AppAbility, params: SqlParams, field?: string): string {
    return abilityToSql(ability, 'read', 'Signal', SIGNAL_COLUMNS, params, field);
  }

  async list(requester: Requester, query: SignalQueryDto): Promise<SignalPage> {
    const limit = query.limit ?? 50;
    const params = new SqlParams();
    const where = [this.readCondition(requester.ability, params)];
    const contentFilters = query.category ?? query.severity ?? query.municipality ?? query.q;
    if (contentFilters !== undefined) {
      // Filtering on content is itself a read of that content: only where the reader sees it.
      where.push(this.readCondition(requester.ability, params, 'title'));
    }
    if (query.electionId) where.push(`s.election_id = ${params.add(query.electionId, 'uuid')}`);
    if (query.status) where.push(`s.status = ANY(${params.add(query.status, 'text[]')})`);
    if (query.marking) where.push(`s.marking = ANY(${params.add(query.marking, 'text[]')})`);
    if (query.category) where.push(`s.category = ANY(${params.add(query.category, 'text[]')})`);
    if (query.severity) where.push(`s.severity = ANY(${params.add(query.severity, 'text[]')})`);
    if (query.agency) {
      const agency = params.add(query.agency);
      // The lead agency is content: it only matches where the reader may read it.
      const leadReadable = this.readCondition(requester.ability, params, 'leadAgency');
      where.push(`(s.owner_agency = ${agency} OR (s.lead_agency = ${agency} AND ${leadReadable}))`);
    }
    if (query.municipality) where.push(`${params.add(query.municipality)} = ANY(s.affected_municipalities)`);
    if (query.q !== undefined && query.q.trim() !== '') {
      where.push(`s.search @@ websearch_to_tsquery('dutch', ${params.add(query.q)})`);
    }
    if (query.cursor !== undefined) {
      const cursor = decodeCursor(query.cursor);
      if (!cursor) throw validationProblem([{ field: 'cursor', message: 'cursor is not a cursor of this list' }]);
      where.push(`(s.created_at, s.id) < (${params.add(cursor.at, 'timestamptz')}, ${params.add(cursor.id, 'uuid')})`);
    }
    const rows: SignalRow[] = await this.db.query(
      `SELECT ${SIGNAL_SELECT} FROM signals s WHERE ${where.join(' AND ')}
        ORDER BY s.created_at DESC, s.id DESC LIMIT ${params.add(limit + 1)}`,
      params.values,
    );
    const page = rows.slice(0, limit).map(toSignal);
    const items: RedactedSignal[] = [];
    const sensitive: Signal[] = [];
    for (const signal of page) {
      const redacted = redactSignal(requester.ability, signal);
      if (!redacted) continue;
      items.push(redacted);
      if (isAuditedOnRead(signal)) sensitive.push(signal);
    }
    await this.auditReads(requester, sensitive, 'list');
    const last = rows[Math.min(rows.length, limit) - 1];
    return { items, nextCursor: rows.length > limit && last ? encodeCursor(last) : null };
  }

  /** Counts over exactly the signals the requester may read; content counts over content it may read. */
  async stats(requester: Requester, query: StatsQueryDto): Promise<SignalStats> {
    const params = new SqlParams();
    const readable = this.readCondition(requester.ability, params);
    const content = this.readCondition(requester.ability, params, 'category');
    const scope = query.electionId
      ? `s.election_id = ${params.add(query.electionId, 'uuid')}`
      : `s.election_id IN (SELECT id FROM elections WHERE NOT exercise)`;
    const rows: { dimension: string; key: string | null; n: number }[] = await this.db.query(
      `WITH visible AS (
         SELECT s.status, s.category, s.severity, s.affected_municipalities, (${content}) AS content
           FROM signals s WHERE ${scope} AND ${readable}
       )
       SELECT 'status' AS dimension, status AS key, count(*)::int AS n FROM visible GROUP BY status
       UNION ALL SELECT 'category', category, count(*)::int FROM visible WHERE content GROUP BY category
       UNION ALL SELECT 'severity', severity, count(*)::int FROM visible WHERE content GROUP BY severity
       UNION ALL SELECT 'municipality', m, count(*)::int FROM visible, unnest(affected_municipalities) m
                  WHERE content GROUP BY m`,
      params.values,
    );
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
    const signal = await this.findReadable(this.db.manager, requester, id);
    await this.auditReads(requester, [signal], 'detail');
    return this.redact(requester, signal);
  }

  /**
   * Reads of AMBER_STRICT, RED and DEP_V signals are written to the audit trail, wherever
   * they happen (detail, list, timeline, measures, platform reports), before the answer
   * leaves: when the audit cannot be written, the read fails.
   */
  async auditReads(requester: Requester, signals: readonly Signal[], via: string): Promise<void> {
    // One statement, so one transaction of its own.
    await writeAudit(
      this.db,
      requester,
      signals.filter(isAuditedOnRead).map((signal) => ({
        action: 'signal.read',
        entityType: 'signal',
        entityId: signal.id,
        details: { marking: signal.marking, classification: signal.classification, via },
      })),
    );
  }

  /**
   * Loads a signal for the requester, or answers 404 as if it did not exist. `share` holds the
   * row until the transaction ends, for writes that carry the signal's audience in their event
   * (a comment, a measure, a platform report): a marking change cannot commit in between, so
   * the event is judged by the audience the signal has when the event takes its position.
   */
  async findReadable(tx: Queryable, requester: Requester, id: string, lock: 'share' | null = null): Promise<Signal> {
    const rows: SignalRow[] = await tx.query(
      `SELECT ${SIGNAL_SELECT} FROM signals s WHERE s.id = $1${lock === 'share' ? ' FOR SHARE' : ''}`,
      [id],
    );
    const row = rows[0];
    if (!row) throw notFound('signal');
    const signal = toSignal(row);
    if (!canReadSignal(requester.ability, signal)) throw notFound('signal');
    return signal;
  }

  /** Like `findReadable`, but the content must be readable too (not just metadata, as for admins). */
  async findContentReadable(tx: Queryable, requester: Requester, id: string): Promise<Signal> {
    const signal = await this.findReadable(tx, requester, id);
    if (!readableSignalFields(requester.ability, signal).includes('title')) throw notFound('signal');
    return signal;
  }

  redact(requester: Requester, signal: Signal): RedactedSignal {
    const redacted = redactSignal(requester.ability, signal);
    if (!redacted) throw notFound('signal');
    return redacted;
  }

  async create(requester: Requester, input: CreateSignalDto): Promise<RedactedSignal> {
    const draft = {
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
      evidence: (input.evidence ?? []).map((e) => ({ url: e.url, ...(e.description ? { description: e.description } : {}) })),
      disarmTechniques: input.disarmTechniques ?? [],
      source: input.source ?? null,
      firstSeenAt: input.firstSeenAt ?? null,
    };
    if (!requester.ability.can('create', signalSubject(draft))) {
      throw this.createForbidden(requester, draft);
    }
    return this.unitOfWork.run(requester, async (tx, journal) => {
      await this.assertReferencesExist(tx, draft, true);
      const rows: SignalRow[] = await tx.query(
        `INSERT INTO signals (election_id, title, description, category, severity, marking, classification,
           owner_agency, lead_agency, shared_with, recipients, affected_municipalities, platforms, evidence,
           disarm_techniques, source, first_seen_at, created_by)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10::text[], $11::uuid[], $12::text[], $13::text[], $14::jsonb,
           $15::text[], $16, $17::timestamptz, $18)
         RETURNING ${SIGNAL_SELECT.replace(/\bs\./g, 'signals.')}`,
        [
          draft.electionId,
          draft.title,
          draft.description,
          draft.category,
          draft.severity,
          draft.marking,
          draft.classification,
          draft.ownerAgency,
          draft.leadAgency,
          draft.sharedWith,
          draft.recipients,
          draft.affectedMunicipalities,
          draft.platforms,
          JSON.stringify(draft.evidence),
          draft.disarmTechniques,
          draft.source,
          draft.firstSeenAt,
          requester.user.id,
        ],
      );
      const signal = toSignal(rows[0]!);
      await this.systemEntry(tx, requester, signal, 'created', { status: signal.status });
      journal.audit({ action: 'signal.create', entityType: 'signal', entityId: signal.id, details: { marking: signal.marking, classification: signal.classification } });
      journal.emit('signal.created', { signal });
      return this.redact(requester, signal);
    });
  }

  async update(requester: Requester, id: string, input: UpdateSignalDto): Promise<RedactedSignal> {
    const changes = Object.entries(input).filter(([key, value]) => key !== 'version' && value !== undefined) as [
      keyof UpdateSignalDto,
      unknown,
    ][];
    if (changes.length === 0) {
      throw validationProblem([{ field: 'body', message: 'nothing to change: send at least one field besides version' }]);
    }
    const nulls = changes.filter(([key, value]) => value === null && !(NULLABLE_SIGNAL_FIELDS as readonly string[]).includes(key));
    if (nulls.length > 0) throw validationProblem(nulls.map(([key]) => ({ field: key, message: `${key} cannot be null` })));

    return this.unitOfWork.run(requester, async (tx, journal) => {
      const current = await this.findReadable(tx, requester, id);
      this.assertVersion(requester, current, input.version);
      if (!requester.ability.can('update', signalSubject(current))) {
        throw new ProblemException(403, { code: 'forbidden', detail: 'Only the owner agency and the lead agency\'s liaisons may edit this signal.' });
      }
      const next: Signal = { ...current };
      for (const [key, value] of changes) {
        (next as unknown as Record<string, unknown>)[key] =
          key === 'evidence'
            ? (value as { url: string; description?: string }[]).map((e) => ({ url: e.url, ...(e.description ? { description: e.description } : {}) }))
            : key === 'recipients'
              ? (value as string[]).map((r) => r.toLowerCase())
              : value;
      }
      if (
        !requester.ability.can('loosen', signalSubject(current)) &&
        loosensAudience(audienceOf(current), audienceOf(next)) &&
        (await this.admitsNewReaders(tx, current, next))
      ) {
        throw new ProblemException(403, {
          code: 'loosening_forbidden',
          detail: 'Only the owner agency may loosen the marking or widen the audience of a signal.',
        });
      }
      if (!requester.ability.can('update', signalSubject(next))) {
        throw new ProblemException(403, {
          code: 'forbidden',
          // Which rule refused it, asked of the ability: would the change pass without DEP_V?
          detail:
            next.classification === 'DEP_V' && requester.ability.can('update', signalSubject({ ...next, classification: 'NONE' }))
              ? 'This change needs the DEP_V clearance.'
              : 'A municipality names only itself as affected by its signals.',
        });
      }
      await this.assertReferencesExist(tx, next, false);

      const params = new SqlParams([id, input.version]);
      const sets = changes.map(([key, value]) => {
        const column = EDITABLE_COLUMNS[key]!;
        const cast = { shared_with: 'text[]', recipients: 'uuid[]', affected_municipalities: 'text[]', platforms: 'text[]', disarm_techniques: 'text[]', evidence: 'jsonb', first_seen_at: 'timestamptz' }[column];
        const stored = key === 'evidence' ? JSON.stringify(next.evidence) : key === 'recipients' ? next.recipients : value;
        return `${column} = ${params.add(stored, cast)}`;
      });
      const signal = await this.conditionalUpdate(tx, requester, id, input.version, sets, params);
      const changed = changes.map(([key]) => key);
      const markingChange = current.marking !== signal.marking ? { from: current.marking, to: signal.marking } : undefined;
      await this.systemEntry(tx, requester, signal, 'edited', { fields: changed, ...(markingChange ? { marking: markingChange } : {}) });
      journal.audit({ action: 'signal.update', entityType: 'signal', entityId: id, details: { fields: changed, version: signal.version, ...(markingChange ? { marking: markingChange } : {}) } });
      journal.emit('signal.updated', { signal, before: audienceOf(current) });
      // Tightening may take the signal out of the editor's own sight: the change stands, and
      // the editor learns only its id.
      return redactSignal(requester.ability, signal) ?? { id: signal.id };
    });
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
    const readers: { id: string; code: string; type: AgencyType; roles: Role[]; clearance: Clearance }[] = await tx.query(
      `SELECT '' AS id, code, type, ARRAY['liaison']::text[] AS roles, 'DEP_V' AS clearance FROM agencies WHERE code = ANY($1::text[])
       UNION ALL
       SELECT u.id::text, a.code, a.type, u.roles, u.clearance FROM users u JOIN agencies a ON a.code = u.agency_code
        WHERE u.id = ANY($2::uuid[])`,
      [added(current.sharedWith, next.sharedWith), added(current.recipients, next.recipients)],
    );
    return readers.some((reader) => {
      const ability = defineAbilityFor({ id: reader.id, agency: { code: reader.code, type: reader.type }, roles: reader.roles, clearance: reader.clearance });
      return canReadSignal(ability, next) && !canReadSignal(ability, current);
    });
  }

  async transition(requester: Requester, id: string, input: TransitionDto): Promise<RedactedSignal> {
    return this.unitOfWork.run(requester, async (tx, journal) => {
      const current = await this.findReadable(tx, requester, id);
      this.assertVersion(requester, current, input.version);
      const kind = transitionKind(current.status, input.to);
      if (kind === null) {
        const allowed = allowedTransitions(current.status);
        throw new ProblemException(409, {
          code: 'invalid_transition',
          detail: `A signal that is ${current.status} cannot move to ${input.to}; allowed: ${allowed.join(', ') || 'none'}.`,
          errors: [{ field: 'to', message: `allowed next states: ${allowed.join(', ') || 'none'}` }],
          from: current.status,
          allowed,
        });
      }
      const action = kind === 'chair' ? 'transition_chair' : 'transition_work';
      if (!requester.ability.can(action, signalSubject(current))) {
        throw new ProblemException(403, {
          code: 'forbidden',
          detail: kind === 'chair' ? 'Only the chair may make this transition.' : 'Only the owner or lead agency and the chair may make this transition.',
        });
      }
      const params = new SqlParams([id, input.version]);
      const sets = [`status = ${params.add(input.to)}`];
      if (input.to === 'triaged') sets.push('triaged_at = coalesce(triaged_at, now())');
      if (input.to === 'mitigated') sets.push('mitigated_at = now()');
      const signal = await this.conditionalUpdate(tx, requester, id, input.version, sets, params);
      await this.systemEntry(tx, requester, signal, 'transition', { from: current.status, to: input.to }, input.note);
      journal.audit({ action: 'signal.transition', entityType: 'signal', entityId: id, details: { from: current.status, to: input.to, version: signal.version } });
      journal.emit('signal.updated', { signal, before: audienceOf(current) });
      return this.redact(requester, signal);
    });
  }

  /** A stale version is a 409 that carries the current record, as this reader may see it. */
  private assertVersion(requester: Requester, current: Signal, version: number): void {
    if (current.version !== version) {
      throw new ProblemException(409, {
        code: 'version_conflict',
        detail: `The signal changed since you loaded it (your version ${version}, now ${current.version}).`,
        errors: [{ field: 'version', message: `stale version ${version}; current is ${current.version}` }],
        current: this.redact(requester, current),
      });
    }
  }

  /**
   * `UPDATE ... WHERE version = $n`: the row count, not a loaded entity, decides whether the
   * write was based on the latest version; a lost race is a 409 with the winner's record.
   */
  private async conditionalUpdate(
    tx: EntityManager,
    requester: Requester,
    id: string,
    version: number,
    sets: string[],
    params: SqlParams,
  ): Promise<Signal> {
    const [rows, count]: [SignalRow[], number] = await tx.query(
      `UPDATE signals SET ${sets.join(', ')}, version = version + 1, updated_at = now()
        WHERE id = $1 AND version = $2
        RETURNING ${SIGNAL_SELECT.replace(/\bs\./g, 'signals.')}`,
      params.values,
    );
    if (count !== 1 || !rows[0]) {
      const current = await this.findReadable(tx, requester, id);
      this.assertVersion(requester, current, version);
      throw new Error('Conditional update matched no row although the version is current');
    }
    return toSignal(rows[0]);
  }

  private async systemEntry(
    tx: Queryable,
    requester: Requester,
    signal: Signal,
    change: string,
    data: Record<string, unknown>,
    note?: string,
  ): Promise<void> {
    await tx.query(
      `INSERT INTO timeline_entries (signal_id, kind, text, marking, author_id, author_agency, data)
       VALUES ($1, 'system', $2, $3, $4, $5, $6::jsonb)`,
      [signal.id, note ?? '', signal.marking, requester.user.id, requester.user.agency.code, JSON.stringify({ change, ...data })],
    );
  }

  private createForbidden(requester: Requester, draft: { classification: string; affectedMunicipalities: string[] }): ProblemException {
    if (draft.classification === 'DEP_V' && requester.user.clearance !== 'DEP_V') {
      return new ProblemException(403, {
        code: 'clearance_required',
        detail: 'Classifying a signal Departementaal Vertrouwelijk needs the DEP_V clearance.',
        errors: [{ field: 'classification', message: 'needs the DEP_V clearance' }],
      });
    }
    if (requester.user.roles.includes('municipal')) {
      return new ProblemException(403, {
        code: 'forbidden',
        detail: 'A municipality raises signals about its own municipality only.',
        errors: [{ field: 'affectedMunicipalities', message: `may only contain ${requester.user.agency.code}` }],
      });
    }
    return new ProblemException(403, { code: 'forbidden', detail: 'Your role may not raise signals.' });
  }

  /** Codes and ids must name things that exist: a 400 naming the field and the entry. */
  private async assertReferencesExist(
    tx: Queryable,
    record: Pick<Signal, 'electionId' | 'leadAgency' | 'sharedWith' | 'recipients' | 'affectedMunicipalities'>,
    checkElection: boolean,
  ): Promise<void> {
    const [known]: { elections: string[]; agencies: string[]; municipalities: string[]; users: string[] }[] = await tx.query(
      `SELECT
         ARRAY(SELECT id::text FROM elections WHERE id = $1::uuid) AS elections,
         ARRAY(SELECT code FROM agencies WHERE code = ANY($2::text[])) AS agencies,
         ARRAY(SELECT code FROM agencies WHERE type = 'municipality' AND code = ANY($3::text[])) AS municipalities,
         ARRAY(SELECT id::text FROM users WHERE active AND id = ANY($4::uuid[])) AS users`,
      [
        record.electionId,
        [...record.sharedWith, ...(record.leadAgency ? [record.leadAgency] : [])],
        record.affectedMunicipalities,
        record.recipients,
      ],
    );
    const errors: FieldError[] = [];
    if (checkElection && known!.elections.length === 0) errors.push({ field: 'electionId', message: 'no such election' });
    if (record.leadAgency && !known!.agencies.includes(record.leadAgency)) {
      errors.push({ field: 'leadAgency', message: `no agency ${record.leadAgency}` });
    }
    record.sharedWith.forEach((code, i) => {
      if (!known!.agencies.includes(code)) errors.push({ field: `sharedWith[${i}]`, message: `no agency ${code}` });
    });
    record.affectedMunicipalities.forEach((code, i) => {
      if (!known!.municipalities.includes(code)) errors.push({ field: `affectedMunicipalities[${i}]`, message: `no municipality ${code}` });
    });
    record.recipients.forEach((id, i) => {
      if (!known!.users.includes(id)) errors.push({ field: `recipients[${i}]`, message: `no active user ${id}` });
    });
    if (errors.length > 0) throw validationProblem(errors);
  }

  /** Whether the requester may comment: whoever may read it. */
  assertMayComment(requester: Requester, signal: Signal): void {
    if (!requester.ability.can('comment', signalSubject(signal))) throw notFound('signal');
  }

  /** Marks entries stricter than or as strict as their signal. */
  assertEntryMarking(signal: Signal, marking: Signal['marking']): void {
    if (!isStricterOrEqual(marking, signal.marking)) {
      throw validationProblem([
        { field: 'marking', message: `a timeline entry may not be looser than its signal (${signal.marking})` },
      ]);
    }
  }
}
