import { type AuditItem, auditOf } from './support/hub-helpers';
import { Factory } from './support/factories';
import { ADMIN, AIVD, CHAIR, FLAGGER, NCTV } from './support/visibility-oracle';

/*
 * Issue 9, defect 4: the audit trail is a read path like any other (visibility.md rule 6).
 * Each event is judged by the record it is about: the signal, or the measure or platform report
 * of one, or the timeline entry with its own marking where it has one.
 */

describe('what the audit trail tells of records its reader may not read', () => {
  let f: Factory;

  beforeAll(async () => {
    f = await Factory.start();
    f.useElection(await f.newElection());
  });

  afterAll(async () => {
    await f.close();
  });

  /** Every event of the whole trail the reader is shown, newest first. */
  async function trail(by: string): Promise<AuditItem[]> {
    const items: AuditItem[] = [];
    let cursor: string | null = null;
    for (let page = 0; page < 100; page++) {
      const response = await f.hub.http().get('/api/audit').set(f.as[by]!.auth).query({ limit: '200', ...(cursor ? { cursor } : {}) });
      if (response.status !== 200) throw new Error(`GET /api/audit: ${response.status} ${JSON.stringify(response.body)}`);
      const body = response.body as { items: AuditItem[]; nextCursor: string | null };
      items.push(...body.items);
      cursor = body.nextCursor;
      if (cursor === null) return items;
    }
    throw new Error('the audit trail never ends');
  }

  it("keeps a platform report's update on a RED signal not naming the chair out of the chair's trail, and records its signal", async () => {
    // AIVD's RED signal names the flagger (a BZK liaison), not the chair: BZK neither owns it nor is named.
    const red = await f.newSignal(AIVD, { marking: 'RED', recipients: [f.as[FLAGGER]!.reader.id] });
    const report = await f.newPlatformReport(FLAGGER, red.id);
    const updated = await f.hub.http().patch(`/api/platform-reports/${report.id}`).set(f.as[FLAGGER]!.auth).send({ version: report.version, outcome: 'removed' });
    expect(updated.status).toBe(200);

    const chairSees = (await trail(CHAIR)).filter((e) => e.entityId === report.id || e.entityId === red.id);
    expect(chairSees).toEqual([]);
    const adminSees = await auditOf(f.hub, f.as[ADMIN]!, report.id);
    expect(adminSees.map((e) => [e.action, e.details['signalId']])).toEqual([
      ['platform_report.update', red.id],
      ['platform_report.create', red.id],
    ]);
  });

  it("keeps a measure's events on a signal the chair may not read out of its trail", async () => {
    const strict = await f.newSignal(AIVD, { marking: 'AMBER_STRICT', sharedWith: ['NCTV'], leadAgency: 'NCTV' });
    const measure = await f.newMeasure(NCTV, strict.id, { ownerAgency: 'NCTV' });
    await f.hub.http().patch(`/api/measures/${measure.id}`).set(f.as[NCTV]!.auth).send({ version: measure.version, status: 'done' }).expect(200);
    expect((await trail(CHAIR)).filter((e) => e.entityId === measure.id)).toEqual([]);
    expect((await auditOf(f.hub, f.as[ADMIN]!, measure.id)).map((e) => e.action)).toEqual(['measure.update', 'measure.create']);
  });

  it("keeps a comment stricter than its signal, which the chair may not read, out of the chair's trail; a comment it reads stays in", async () => {
    // AMBER: the chair (core table) reads the signal, but not NCTV's AMBER+STRICT comment shared with nobody.
    const amber = await f.newSignal(AIVD, { marking: 'AMBER' });
    const hidden = await f.newComment(NCTV, amber.id, { text: 'Alleen voor de eigenaar en NCTV', marking: 'AMBER_STRICT' });
    const open = await f.newComment(NCTV, amber.id, { text: 'Voor de hele tafel' });
    const entryIds = (events: AuditItem[]) => events.filter((e) => e.action === 'timeline.add').map((e) => e.details['entryId']);

    const chair = await auditOf(f.hub, f.as[CHAIR]!, amber.id);
    expect(chair.map((e) => e.action)).toEqual(['timeline.add', 'signal.create']);
    expect(entryIds(chair)).toEqual([open.id]);
    expect(JSON.stringify(await trail(CHAIR))).not.toContain(hidden.id);
    // The administrator sees every event; the owner's trail is not a question here (AIVD does not read the audit).
    expect(entryIds(await auditOf(f.hub, f.as[ADMIN]!, amber.id))).toEqual([open.id, hidden.id]);
  });

  it('shows the chair the events of a comment at its signal\'s marking once the signal is loosened for it', async () => {
    const strict = await f.newSignal(AIVD, { marking: 'AMBER_STRICT', sharedWith: ['NCTV'] });
    const comment = await f.newComment(NCTV, strict.id, { text: 'Op het niveau van het signaal' });
    expect(await auditOf(f.hub, f.as[CHAIR]!, strict.id)).toEqual([]);
    await f.editSignal(AIVD, strict.id, { marking: 'AMBER' });
    const chair = await auditOf(f.hub, f.as[CHAIR]!, strict.id);
    expect(chair.filter((e) => e.action === 'timeline.add').map((e) => e.details['entryId'])).toEqual([comment.id]);
  });
});
