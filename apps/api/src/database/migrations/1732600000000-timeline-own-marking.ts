import { MigrationInterface, QueryRunner } from 'typeorm';

const RANK = (column: string) => `array_position(ARRAY['CLEAR', 'GREEN', 'AMBER', 'AMBER_STRICT', 'RED']::text[], ${column})`;

/**
 * visibility.md rule 7: an entry its author marked stricter than its signal is judged on that
 * marking; every other entry follows the signal's current marking. Until now an entry stored
 * the marking its signal had when it was written and was judged "stricter" once the signal was
 * loosened, hiding the history from the signal's new readers. `own_marking` tells the two apart.
 *
 * Existing entries: system entries follow their signal. A comment or assessment has a marking
 * of its own when it was stricter than its signal at the time it was written, which is the
 * marking of the signal's latest system entry at or before it (every change of a signal writes
 * one with the signal's marking after the change); without one, its signal's marking now.
 */
export class TimelineOwnMarking1732600000000 implements MigrationInterface {
  name = 'TimelineOwnMarking1732600000000';

  async up(db: QueryRunner): Promise<void> {
    // An entry written without saying follows its signal.
    await db.query(`ALTER TABLE timeline_entries ADD COLUMN own_marking boolean NOT NULL DEFAULT false`);
    // The table is append-only; this one backfill of the new column is the exception.
    await db.query(`ALTER TABLE timeline_entries DISABLE TRIGGER timeline_entries_append_only`);
    await db.query(`
      UPDATE timeline_entries t SET own_marking = true
        FROM signals s
       WHERE s.id = t.signal_id AND t.kind <> 'system'
         AND ${RANK('t.marking')} > ${RANK(`coalesce(
               (SELECT e.marking FROM timeline_entries e
                 WHERE e.signal_id = t.signal_id AND e.kind = 'system' AND (e.created_at, e.id) <= (t.created_at, t.id)
                 ORDER BY e.created_at DESC, e.id DESC LIMIT 1),
               s.marking)`)}`);
    await db.query(`ALTER TABLE timeline_entries ENABLE TRIGGER timeline_entries_append_only`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE timeline_entries DROP COLUMN own_marking`);
  }
}
