import { expectProblem, rowCounts, signalsFromDb } from './support/hub-helpers';
import { Factory } from './support/factories';
import { connectSocket } from './support/sockets';
import { AIVD, AMSTERDAM, CHAIR, KIESRAAD, NCTV, OBSERVER } from './support/visibility-oracle';

/*
 * Issue 9, defect 7: the policy of visibility.md made rule in libs/domain, as the API applies
 * it. Rule 4: source is read and written by the owner agency only. Rule 8: observers never
 * write. Rule 7: history entries follow the signal's current marking; a comment its author
 * marked stricter keeps that marking, and the signal's owner agency reads it unless it is RED.
 */

interface Entry {
  id: string;
  kind: string;
  text: string;
  marking: string;
  ownMarking?: boolean;
  data: Record<string, unknown> | null;
}

describe('policy made rule', () => {
  let f: Factory;

  beforeAll(async () => {
    f = await Factory.start();
    f.useElection(await f.newElection());
  });

  afterAll(async () => {
    await f.close();
  });

  const http = () => f.hub.http();
  const timeline = async (by: string, signalId: string): Promise<Entry[]> => {
    const response = await http().get(`/api/signals/${signalId}/timeline`).set(f.as[by]!.auth);
    if (response.status !== 200) throw new Error(`timeline as ${by}: ${response.status} ${JSON.stringify(response.body)}`);
    return response.body as Entry[];
  };

  describe('rule 4: source is written by the owner agency only', () => {
    it.each([
      ['set', null, 'Een bron van NCTV'],
      ['change', 'Eigen waarneming van AIVD', 'Overschreven door NCTV'],
      ['clear', 'Eigen waarneming van AIVD', null],
    ])('refuses the lead agency to %s source with a 403 naming source (not_allowed), and changes nothing', async (_what, stored, sent) => {
      const signal = await f.newSignal(AIVD, { leadAgency: 'NCTV', marking: 'AMBER', ...(stored === null ? {} : { source: stored }) });
      const before = await rowCounts(f.hub);
      const response = await http().patch(`/api/signals/${signal.id}`).set(f.as[NCTV]!.auth).send({ version: signal.version, source: sent, title: 'Bijgewerkt door NCTV' });
      expectProblem(response, 403, 'source');
      expect(response.body.errors).toEqual([{ field: 'source', code: 'not_allowed', message: expect.any(String) }]);
      expect(await rowCounts(f.hub)).toEqual(before);
      const [row] = await signalsFromDb(f.hub, 'id = $1', [signal.id]);
      expect(row).toMatchObject({ source: stored, title: signal['title'], version: signal.version });
      // Without source the same edit is the lead agency's to make.
      const edited = await http().patch(`/api/signals/${signal.id}`).set(f.as[NCTV]!.auth).send({ version: signal.version, title: 'Bijgewerkt door NCTV' });
      expect(edited.status).toBe(200);
      expect(edited.body).not.toHaveProperty('source');
    });

    it('lets the owner agency set, change and clear source', async () => {
      const signal = await f.newSignal(AIVD, { leadAgency: 'NCTV' });
      for (const source of ['Eerste bron', 'Tweede bron', null]) {
        const response = await http().patch(`/api/signals/${signal.id}`).set(f.as[AIVD]!.auth).send({ version: await f.versionOf('signals', signal.id), source });
        expect(response.status).toBe(200);
        expect(response.body).toHaveProperty('source', source);
      }
    });
  });

  describe('rule 8: observers read and never write, comments included', () => {
    it('refuses an observer a comment on a GREEN signal it reads, and writes nothing', async () => {
      const signal = await f.newSignal(AIVD, { marking: 'GREEN' });
      expect((await http().get(`/api/signals/${signal.id}`).set(f.as[OBSERVER]!.auth)).status).toBe(200);
      const before = await rowCounts(f.hub);
      expectProblem(await http().post(`/api/signals/${signal.id}/timeline`).set(f.as[OBSERVER]!.auth).send({ text: 'Ook in Brussel gezien.' }), 403);
      expectProblem(await http().post(`/api/signals/${signal.id}/timeline`).set(f.as[OBSERVER]!.auth).send({ text: 'Beoordeling', kind: 'assessment' }), 403);
      expect(await rowCounts(f.hub)).toEqual(before);
    });
  });

  describe('rule 7: history entries follow the signal, stricter comments keep their own marking', () => {
    it("shows a signal's history to its new readers when its owner loosens it", async () => {
      const signal = await f.newSignal(AIVD, { marking: 'AMBER_STRICT', sharedWith: ['BZK'] });
      await f.transition(CHAIR, signal.id, 'triaged', 'Besproken aan tafel');
      await f.newComment(AIVD, signal.id, { text: 'Bevestigd door AIVD' });
      await expect(timeline(AMSTERDAM, signal.id)).rejects.toThrow(/404/);
      await f.editSignal(AIVD, signal.id, { marking: 'GREEN' });
      const seen = await timeline(AMSTERDAM, signal.id);
      // Every entry, from before the loosening too, now under the signal's GREEN.
      expect(seen.map((e) => [e.kind, e.data?.['change'] ?? e.text, e.marking])).toEqual([
        ['system', 'created', 'GREEN'],
        ['system', 'transition', 'GREEN'],
        ['comment', 'Bevestigd door AIVD', 'GREEN'],
        ['system', 'edited', 'GREEN'],
      ]);
      expect(seen.every((e) => e.ownMarking === false)).toBe(true);
    });

    it('keeps a comment its author marked stricter than its signal under that marking after the signal is loosened', async () => {
      const signal = await f.newSignal(AIVD, { marking: 'AMBER', affectedMunicipalities: ['GM0363'] });
      const strict = await f.newComment(NCTV, signal.id, { text: 'Alleen voor de eigenaar en NCTV', marking: 'AMBER_STRICT' });
      expect(strict).toMatchObject({ marking: 'AMBER_STRICT', ownMarking: true });
      await f.editSignal(AIVD, signal.id, { marking: 'GREEN' });
      const texts = async (by: string) => (await timeline(by, signal.id)).filter((e) => e.kind === 'comment').map((e) => e.text);
      expect(await texts(AMSTERDAM)).toEqual([]);
      expect(await texts(KIESRAAD)).toEqual([]);
      expect(await texts(NCTV)).toEqual(['Alleen voor de eigenaar en NCTV']);
    });

    it("lets the signal's owner agency read a comment stricter than its signal, unless it is RED", async () => {
      const signal = await f.newSignal(AIVD, { marking: 'AMBER' });
      await f.newComment(NCTV, signal.id, { text: 'NCTV, strikt', marking: 'AMBER_STRICT' });
      await f.newComment(NCTV, signal.id, { text: 'NCTV, rood', marking: 'RED', kind: 'assessment' });
      const texts = async (by: string) => (await timeline(by, signal.id)).filter((e) => e.kind !== 'system').map((e) => e.text);
      expect(await texts(AIVD)).toEqual(['NCTV, strikt']);
      expect(await texts(NCTV)).toEqual(['NCTV, strikt', 'NCTV, rood']);
      expect(await texts(CHAIR)).toEqual([]);
    });

    it("tells the owner agency's board of a comment stricter than its signal, as REST shows it", async () => {
      const signal = await f.newSignal(AIVD, { marking: 'AMBER' });
      const aivd = await connectSocket(f.hub.url, f.as[AIVD]!.token);
      const chair = await connectSocket(f.hub.url, f.as[CHAIR]!.token);
      try {
        await aivd.waitFor((r) => r.event === 'ready');
        await chair.waitFor((r) => r.event === 'ready');
        const strict = await f.newComment(NCTV, signal.id, { text: 'Voor AIVD en NCTV', marking: 'AMBER_STRICT' });
        const marker = await f.newComment(AIVD, signal.id, { text: 'Voor de hele tafel' });
        const told = await aivd.waitFor((r) => r.event === 'timeline.added' && (r.payload.data as { entry: { id: string } }).entry.id === strict.id);
        const [rest] = (await timeline(AIVD, signal.id)).filter((e) => e.id === strict.id);
        expect((told.payload.data as { entry: unknown }).entry).toEqual(rest);
        // The chair reads the AMBER signal and the marker comment, never the stricter one.
        await chair.waitFor((r) => r.event === 'timeline.added' && (r.payload.data as { entry: { id: string } }).entry.id === marker.id);
        expect(chair.received.some((r) => r.event === 'timeline.added' && (r.payload.data as { entry: { id: string } }).entry.id === strict.id)).toBe(false);
      } finally {
        aivd.close();
        chair.close();
      }
    });

    it('marks as their own, when migrating, exactly the comments that were stricter than their signal when written', async () => {
      // The signal was AMBER when a comment at AMBER and a stricter one were written, then its
      // owner loosened it to GREEN (written as before the migration: no own_marking yet).
      const signal = await f.newSignal(AIVD, { marking: 'AMBER' });
      const { TimelineOwnMarking1732600000000 } = await import('../src/database/migrations/1732600000000-timeline-own-marking');
      const migration = new TimelineOwnMarking1732600000000();
      const runner = f.hub.db.createQueryRunner();
      try {
        await migration.down(runner);
        const insert = (kind: string, marking: string, text: string, data: object | null = null) =>
          runner.query(
            `INSERT INTO timeline_entries (signal_id, kind, text, marking, author_id, author_agency, data, created_at)
             VALUES ($1, $2, $3, $4, $5, 'NCTV', $6::jsonb, clock_timestamp()) RETURNING id`,
            [signal.id, kind, text, marking, f.as[NCTV]!.reader.id, data === null ? null : JSON.stringify(data)],
          ) as Promise<{ id: string }[]>;
        const [[atSignal], [stricter]] = [await insert('comment', 'AMBER', 'Op het niveau van het signaal'), await insert('comment', 'AMBER_STRICT', 'Strenger')];
        await runner.query(`UPDATE signals SET marking = 'GREEN' WHERE id = $1`, [signal.id]);
        const [[edited], [later]] = [
          await insert('system', 'GREEN', '', { change: 'edited', fields: ['marking'] }),
          await insert('comment', 'AMBER', 'Later, strenger dan GREEN'),
        ];
        await migration.up(runner);
        const rows = (await runner.query(`SELECT id, own_marking FROM timeline_entries WHERE signal_id = $1`, [signal.id])) as { id: string; own_marking: boolean }[];
        const own = Object.fromEntries(rows.map((r) => [r.id, r.own_marking]));
        expect([own[atSignal!.id], own[stricter!.id], own[edited!.id], own[later!.id]]).toEqual([false, true, false, true]);
        // And the comment at the signal's marking is now GREEN for every reader of the signal.
        expect((await timeline(AMSTERDAM, signal.id)).map((e) => e.text)).toContain('Op het niveau van het signaal');
      } finally {
        // Whatever happened above, the suite's database is left migrated.
        const [{ migrated }] = (await runner.query(
          `SELECT EXISTS (SELECT 1 FROM information_schema.columns WHERE table_name = 'timeline_entries' AND column_name = 'own_marking') AS migrated`,
        )) as { migrated: boolean }[];
        if (!migrated) await migration.up(runner);
        await runner.release();
      }
    });
  });
});
