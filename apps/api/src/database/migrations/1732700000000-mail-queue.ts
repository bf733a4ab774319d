import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The durable mail queue (mail module): a mail is queued in the transaction of the change it
 * belongs to, sent by exactly one instance, retried with backoff, and every attempt recorded.
 */
export class MailQueue1732700000000 implements MigrationInterface {
  name = 'MailQueue1732700000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE mails (
        id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        -- Fixed when queued: every attempt sends the same Message-ID, so a receiver can tell a repeat.
        message_id       text NOT NULL UNIQUE,
        kind             text NOT NULL CHECK (kind ~ '^[a-z][a-z_]{0,39}$'),
        -- What the mail is about (an invitation, an alert's recipient), to show its state there.
        ref_type         text NULL,
        ref_id           text NULL,
        to_address       text NOT NULL CHECK (length(to_address) BETWEEN 3 AND 320),
        subject          text NOT NULL CHECK (length(subject) BETWEEN 1 AND 500),
        -- Sealed with the session secret (it may hold a one-time link); erased once sent.
        body             text NULL,
        status           text NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'sent', 'failed')),
        attempts         integer NOT NULL DEFAULT 0,
        last_error       text NULL,
        next_attempt_at  timestamptz NOT NULL,
        sent_at          timestamptz NULL,
        created_at       timestamptz NOT NULL,
        updated_at       timestamptz NOT NULL DEFAULT now(),
        CHECK ((status = 'sent') = (sent_at IS NOT NULL))
      )`);
    await db.query(`CREATE INDEX mails_due_idx ON mails (next_attempt_at) WHERE status = 'queued'`);
    await db.query(`CREATE INDEX mails_ref_idx ON mails (ref_type, ref_id)`);
    // Attempts are written on a connection of their own while the sending transaction holds the
    // mail's row lock; a foreign key would wait for that lock, so the link is by value.
    await db.query(`
      CREATE TABLE mail_attempts (
        id           bigserial PRIMARY KEY,
        mail_id      uuid NOT NULL,
        instance     text NOT NULL,
        started_at   timestamptz NOT NULL,
        finished_at  timestamptz NULL,
        outcome      text NULL CHECK (outcome IN ('sent', 'retry', 'failed', 'interrupted')),
        error        text NULL,
        response     text NULL
      )`);
    await db.query(`CREATE INDEX mail_attempts_mail_idx ON mail_attempts (mail_id, id)`);
    await db.query(`
      CREATE FUNCTION mail_queued_notify() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        PERFORM pg_notify('mail_queued', '');
        RETURN NULL;
      END $$`);
    await db.query(`CREATE TRIGGER mail_queued AFTER INSERT ON mails FOR EACH STATEMENT EXECUTE FUNCTION mail_queued_notify()`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TRIGGER IF EXISTS mail_queued ON mails`);
    await db.query(`DROP FUNCTION IF EXISTS mail_queued_notify()`);
    await db.query(`DROP TABLE IF EXISTS mail_attempts, mails`);
  }
}
