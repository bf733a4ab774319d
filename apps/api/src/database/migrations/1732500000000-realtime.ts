import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Realtime plumbing: NOTIFY as a wake-up for outbox readers, and session and user changes
 * written to the outbox by the database itself, so that every instance disconnects or
 * re-scopes a user's sockets whatever made the change (sign-out, an administrator, SQL).
 */
export class Realtime1732500000000 implements MigrationInterface {
  name = 'Realtime1732500000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE FUNCTION outbox_notify() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        PERFORM pg_notify('outbox_events', '');
        RETURN NULL;
      END $$`);
    await db.query(
      `CREATE TRIGGER outbox_notify AFTER INSERT ON outbox_events FOR EACH STATEMENT EXECUTE FUNCTION outbox_notify()`,
    );

    await db.query(`
      CREATE FUNCTION session_ended_event() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF (TG_OP = 'DELETE') THEN
          INSERT INTO outbox_events (position, type, data)
          VALUES (0, 'session.ended', jsonb_build_object('sessionId', OLD.id, 'userId', OLD.user_id));
          RETURN OLD;
        END IF;
        IF (OLD.revoked_at IS NULL AND NEW.revoked_at IS NOT NULL) OR (NEW.expires_at < OLD.expires_at) THEN
          INSERT INTO outbox_events (position, type, data)
          VALUES (0, 'session.ended', jsonb_build_object('sessionId', NEW.id, 'userId', NEW.user_id));
        END IF;
        RETURN NEW;
      END $$`);
    await db.query(
      `CREATE TRIGGER session_ended AFTER UPDATE OF revoked_at, expires_at OR DELETE ON sessions
         FOR EACH ROW EXECUTE FUNCTION session_ended_event()`,
    );

    await db.query(`
      CREATE FUNCTION user_changed_event() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF (OLD.active, OLD.roles, OLD.clearance, OLD.agency_code) IS DISTINCT FROM
           (NEW.active, NEW.roles, NEW.clearance, NEW.agency_code) THEN
          NEW.authz_version := OLD.authz_version + 1;
          INSERT INTO outbox_events (position, type, data)
          VALUES (0, 'user.changed', jsonb_build_object('userId', NEW.id, 'active', NEW.active));
        END IF;
        RETURN NEW;
      END $$`);
    await db.query(
      `CREATE TRIGGER user_changed BEFORE UPDATE ON users FOR EACH ROW EXECUTE FUNCTION user_changed_event()`,
    );
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TRIGGER IF EXISTS user_changed ON users`);
    await db.query(`DROP TRIGGER IF EXISTS session_ended ON sessions`);
    await db.query(`DROP TRIGGER IF EXISTS outbox_notify ON outbox_events`);
    await db.query(`DROP FUNCTION IF EXISTS user_changed_event(), session_ended_event(), outbox_notify()`);
  }
}
