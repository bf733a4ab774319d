import {
  allowedTransitions,
  CLASSIFICATIONS,
  type Marking,
  MARKINGS,
  PLATFORMS,
  type Role,
  SEVERITIES,
  SIGNAL_CATEGORIES,
  type SignalStatus,
} from '@verkiezingstafel/domain';
import fc from 'fast-check';
import type { TestApp } from './test-app';

/*
 * The random changes the differential property tests make to signals (lists: signals-list-property,
 * sockets: realtime-property): the operations, their arbitraries and how each is performed over
 * HTTP by a user of the run. Refusals (403, 404, 409, 400) are part of the game; a 500 never is.
 */

/** Who acts on a signal: one of its owner agency, its lead agency, a chair, or anyone (by index). */
export type ActorSel = { by: 'owner'; pick: number } | { by: 'lead'; pick: number } | { by: 'chair'; pick: number } | { by: 'user'; index: number };

export interface CreateOp {
  kind: 'create';
  /** Mostly a user who may raise signals (an index among them); sometimes anyone. */
  creator: { among: 'creators' | 'all'; index: number };
  marking: Marking;
  classification: 'NONE' | 'DEP_V';
  sharedWith: string[];
  /** Users (indices) named as RED recipients. */
  recipients: number[];
  affected: string[];
  /** A municipal creator names its own municipality as affected. */
  ownMunicipality: boolean;
  leadAgency: string | null;
  source: string | null;
  title: string;
  description: string;
  category: string;
  severity: string;
  platforms: string[];
  evidence: { url: string; description?: string }[];
  disarmTechniques: string[];
  firstSeenAt: string | null;
}
export interface EditOp {
  kind: 'edit';
  target: number;
  actor: ActorSel;
  changes: {
    title?: string;
    description?: string;
    severity?: string;
    category?: string;
    source?: string | null;
    leadAgency?: string | null;
    classification?: string;
  };
}
export interface MarkingOp {
  kind: 'marking';
  target: number;
  actor: ActorSel;
  marking: Marking;
}
export interface AudienceOp {
  kind: 'audience';
  target: number;
  actor: ActorSel;
  field: 'sharedWith' | 'recipients' | 'affectedMunicipalities';
  codes: string[];
  recipients: number[];
  marking: Marking | null;
}
export interface TransitionOp {
  kind: 'transition';
  target: number;
  actor: ActorSel;
  pick: number;
}
export type SignalOp = CreateOp | EditOp | MarkingOp | AudienceOp | TransitionOp;

export interface OperationModel {
  /** Agencies a signal may be shared with. */
  shareCodes: readonly string[];
  /** Agencies that may lead a signal. */
  leadCodes: readonly string[];
  /** Municipalities that may be affected. */
  municipalities: readonly string[];
  /** The highest user index a run may have (indices are taken modulo the run's users). */
  maxUserIndex: number;
  /** Text of titles (e.g. with words that a search finds). */
  text: (maxLength: number) => fc.Arbitrary<string>;
}

export interface OperationArbitraries {
  create: fc.Arbitrary<CreateOp>;
  op: fc.Arbitrary<SignalOp>;
  /** `min`–`max` changes starting with a create, so that later changes have a target. */
  sequence(min: number, max: number): fc.Arbitrary<SignalOp[]>;
}

export function signalOperations(model: OperationModel): OperationArbitraries {
  const markingArb = fc.constantFrom<Marking>(...MARKINGS);
  const userIndexArb = fc.nat(model.maxUserIndex);
  const actorArb: fc.Arbitrary<ActorSel> = fc.oneof(
    { weight: 5, arbitrary: fc.nat(9).map((pick): ActorSel => ({ by: 'owner', pick })) },
    { weight: 2, arbitrary: fc.nat(9).map((pick): ActorSel => ({ by: 'lead', pick })) },
    { weight: 1, arbitrary: fc.nat(9).map((pick): ActorSel => ({ by: 'chair', pick })) },
    { weight: 2, arbitrary: userIndexArb.map((index): ActorSel => ({ by: 'user', index })) },
  );
  const targetArb = fc.nat(60);
  const source = fc.option(fc.string({ minLength: 1, maxLength: 30 }), { nil: null });
  const leadAgency = fc.option(fc.constantFrom(...model.leadCodes), { nil: null });

  const create: fc.Arbitrary<CreateOp> = fc.record({
    kind: fc.constant('create' as const),
    creator: fc.record({
      among: fc.oneof({ weight: 5, arbitrary: fc.constant('creators' as const) }, { weight: 1, arbitrary: fc.constant('all' as const) }),
      index: userIndexArb,
    }),
    marking: markingArb,
    classification: fc.oneof({ weight: 4, arbitrary: fc.constant('NONE' as const) }, { weight: 1, arbitrary: fc.constant('DEP_V' as const) }),
    sharedWith: fc.subarray([...model.shareCodes], { maxLength: 3 }),
    recipients: fc.uniqueArray(userIndexArb, { maxLength: 4 }),
    affected: fc.subarray([...model.municipalities], { maxLength: 2 }),
    ownMunicipality: fc.boolean(),
    leadAgency,
    source,
    title: model.text(30),
    description: fc.oneof(fc.string({ maxLength: 40 }), model.text(40)),
    category: fc.constantFrom(...SIGNAL_CATEGORIES),
    severity: fc.constantFrom(...SEVERITIES),
    platforms: fc.subarray([...PLATFORMS], { maxLength: 2 }),
    evidence: fc.array(
      fc.record(
        { url: fc.stringMatching(/^[a-z0-9]{1,12}$/).map((p) => `https://bewijs.example/${p}`), description: fc.string({ minLength: 1, maxLength: 20 }) },
        { requiredKeys: ['url'] },
      ),
      { maxLength: 2 },
    ),
    disarmTechniques: fc.subarray(['T0022', 'T0086', 'T0086.002', 'T0139'], { maxLength: 2 }),
    firstSeenAt: fc.option(
      fc.date({ min: new Date('2025-01-01T00:00:00Z'), max: new Date('2026-01-01T00:00:00Z'), noInvalidDate: true }).map((d) => d.toISOString()),
      { nil: null },
    ),
  });

  const edit: fc.Arbitrary<EditOp> = fc.record({
    kind: fc.constant('edit' as const),
    target: targetArb,
    actor: actorArb,
    changes: fc
      .record(
        {
          title: model.text(30),
          description: fc.string({ maxLength: 40 }),
          severity: fc.constantFrom(...SEVERITIES),
          category: fc.constantFrom(...SIGNAL_CATEGORIES),
          source,
          leadAgency,
          classification: fc.constantFrom(...CLASSIFICATIONS),
        },
        { requiredKeys: [] },
      )
      .filter((changes) => Object.keys(changes).length > 0),
  });

  const marking: fc.Arbitrary<MarkingOp> = fc.record({ kind: fc.constant('marking' as const), target: targetArb, actor: actorArb, marking: markingArb });

  const audience: fc.Arbitrary<AudienceOp> = fc.record({
    kind: fc.constant('audience' as const),
    target: targetArb,
    actor: actorArb,
    field: fc.constantFrom('sharedWith' as const, 'recipients' as const, 'affectedMunicipalities' as const),
    codes: fc.subarray([...model.shareCodes], { maxLength: 3 }),
    recipients: fc.uniqueArray(userIndexArb, { maxLength: 4 }),
    marking: fc.option(markingArb, { nil: null }),
  });

  const transition: fc.Arbitrary<TransitionOp> = fc.record({
    kind: fc.constant('transition' as const),
    target: targetArb,
    actor: fc.oneof({ weight: 3, arbitrary: fc.nat(9).map((pick): ActorSel => ({ by: 'chair', pick })) }, { weight: 2, arbitrary: actorArb }),
    pick: fc.nat(5),
  });

  const op: fc.Arbitrary<SignalOp> = fc.oneof(
    { weight: 4, arbitrary: create },
    { weight: 2, arbitrary: edit },
    { weight: 3, arbitrary: marking },
    { weight: 3, arbitrary: audience },
    { weight: 3, arbitrary: transition },
  );

  return {
    create,
    op,
    sequence: (min, max) => fc.tuple(create, fc.array(op, { minLength: min - 1, maxLength: max - 1 })).map(([first, rest]) => [first, ...rest]),
  };
}

/** A signed-in user of a run, as the operations need it. */
export interface OperationUser {
  id: string;
  token: string;
  agency: { code: string; type: 'core' | 'municipality' | 'external' };
  roles: readonly Role[];
  /** How failures name the user. */
  label: string;
}

export interface SignalState {
  ownerAgency: string;
  leadAgency: string | null;
  status: SignalStatus;
  version: number;
}

export interface Outcome {
  actor: OperationUser;
  /** The signal the change was about (the new one for an accepted create), or null. */
  signalId: string | null;
  request: string;
  status: number;
  body: unknown;
}

export async function signalState(hub: TestApp, id: string): Promise<SignalState> {
  const [row] = (await hub.db.query(`SELECT owner_agency, lead_agency, status, version FROM signals WHERE id = $1`, [id])) as {
    owner_agency: string;
    lead_agency: string | null;
    status: SignalStatus;
    version: number;
  }[];
  return { ownerAgency: row!.owner_agency, leadAgency: row!.lead_agency, status: row!.status, version: row!.version };
}

const canActOn = (roles: readonly Role[]) => roles.some((r) => r === 'liaison' || r === 'chair' || r === 'municipal');

function pick<T>(candidates: T[], n: number, fallback: T): T {
  return candidates.length > 0 ? candidates[n % candidates.length]! : fallback;
}

export function resolveActor(sel: ActorSel, state: SignalState, users: readonly OperationUser[]): OperationUser {
  const chairs = users.filter((u) => u.roles.includes('chair'));
  switch (sel.by) {
    case 'owner':
      return pick(
        users.filter((u) => u.agency.code === state.ownerAgency && canActOn(u.roles)),
        sel.pick,
        pick(chairs, sel.pick, users[0]!),
      );
    case 'lead':
      return pick(
        users.filter((u) => u.agency.code === state.leadAgency && u.roles.includes('liaison')),
        sel.pick,
        resolveActor({ by: 'owner', pick: sel.pick }, state, users),
      );
    case 'chair':
      return pick(chairs, sel.pick, users[0]!);
    case 'user':
      return users[sel.index % users.length]!;
  }
}

async function send(hub: TestApp, user: OperationUser, method: 'post' | 'patch', path: string, body: Record<string, unknown>): Promise<{ status: number; body: unknown }> {
  const response = await hub.http()[method](path).set('Authorization', `Bearer ${user.token}`).send(body);
  return { status: response.status, body: response.body as unknown };
}

/** Performs one change over HTTP as a user of the run; `created` collects the ids of accepted creates. */
export async function performOperation(
  hub: TestApp,
  op: SignalOp,
  users: readonly OperationUser[],
  electionId: string,
  created: string[],
): Promise<Outcome | null> {
  const idOf = (i: number) => users[i % users.length]!.id;
  if (op.kind === 'create') {
    const creators = users.filter((u) => canActOn(u.roles));
    const actor = op.creator.among === 'creators' ? pick(creators, op.creator.index, users[0]!) : users[op.creator.index % users.length]!;
    const own = actor.agency.type === 'municipality' && op.ownMunicipality;
    const body: Record<string, unknown> = {
      electionId,
      title: op.title,
      description: op.description,
      category: op.category,
      severity: op.severity,
      marking: op.marking,
      classification: op.classification,
      sharedWith: op.sharedWith,
      recipients: [...new Set(op.recipients.map(idOf))],
      affectedMunicipalities: own ? [actor.agency.code] : op.affected,
      platforms: op.platforms,
      evidence: op.evidence,
      disarmTechniques: op.disarmTechniques,
    };
    if (op.firstSeenAt !== null) body['firstSeenAt'] = op.firstSeenAt;
    if (op.leadAgency !== null) body['leadAgency'] = op.leadAgency;
    if (op.source !== null) body['source'] = op.source;
    const response = await send(hub, actor, 'post', '/api/signals', body);
    const signalId = response.status === 201 ? (response.body as { id: string }).id : null;
    if (signalId) created.push(signalId);
    return { actor, signalId, request: `POST /api/signals ${JSON.stringify({ ...body, electionId: undefined })}`, ...response };
  }
  if (created.length === 0) return null;
  const id = created[op.target % created.length]!;
  const state = await signalState(hub, id);
  const actor = resolveActor(op.actor, state, users);
  if (op.kind === 'transition') {
    const allowed = allowedTransitions(state.status);
    const to = allowed.length > 0 ? allowed[op.pick % allowed.length]! : 'in_progress';
    const body = { to, version: state.version };
    return { actor, signalId: id, request: `POST /api/signals/${id}/transitions ${JSON.stringify(body)}`, ...(await send(hub, actor, 'post', `/api/signals/${id}/transitions`, body)) };
  }
  let body: Record<string, unknown>;
  if (op.kind === 'edit') body = { ...op.changes };
  else if (op.kind === 'marking') body = { marking: op.marking };
  else {
    body =
      op.field === 'recipients'
        ? { recipients: [...new Set(op.recipients.map(idOf))] }
        : op.field === 'sharedWith'
          ? { sharedWith: op.codes }
          : { affectedMunicipalities: op.codes.filter((c) => c.startsWith('GM')) };
    if (op.marking !== null) body['marking'] = op.marking;
  }
  body['version'] = state.version;
  return { actor, signalId: id, request: `PATCH /api/signals/${id} ${JSON.stringify(body)}`, ...(await send(hub, actor, 'patch', `/api/signals/${id}`, body)) };
}
