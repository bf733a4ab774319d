import { MigrationInterface, QueryRunner } from 'typeorm';

const MARKING = `CHECK (marking IN ('CLEAR', 'GREEN', 'AMBER', 'AMBER_STRICT', 'RED'))`;

/**
 * Signals with their timeline, measures and platform reports; the hash-chained audit trail;
 * the transactional outbox; idempotency keys.
 */
export class Signals1732400000000 implements MigrationInterface {
  name = 'Signals1732400000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE signals (
        id                       uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        election_id              uuid NOT NULL REFERENCES elections(id),
        title                    text NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
        description              text NOT NULL CHECK (length(description) <= 20000),
        category                 text NOT NULL CHECK (category IN ('disinformation', 'foreign_interference', 'cyber',
                                   'physical_security', 'threat_to_persons', 'process_integrity', 'synthetic_media',
                                   'political_advertising', 'other')),
        severity                 text NOT NULL CHECK (severity IN ('low', 'medium', 'high', 'critical')),
        status                   text NOT NULL DEFAULT 'new' CHECK (status IN ('new', 'triaged', 'in_progress',
                                   'monitoring', 'mitigated', 'closed', 'rejected', 'duplicate')),
        marking                  text NOT NULL ${MARKING},
        classification           text NOT NULL DEFAULT 'NONE' CHECK (classification IN ('NONE', 'DEP_V')),
        owner_agency             text NOT NULL REFERENCES agencies(code),
        lead_agency              text NULL REFERENCES agencies(code),
        shared_with              text[] NOT NULL DEFAULT '{}',
        recipients               uuid[] NOT NULL DEFAULT '{}',
        affected_municipalities  text[] NOT NULL DEFAULT '{}',
        platforms                text[] NOT NULL DEFAULT '{}',
        evidence                 jsonb NOT NULL DEFAULT '[]'::jsonb,
        disarm_techniques        text[] NOT NULL DEFAULT '{}',
        source                   text NULL CHECK (length(source) <= 5000),
        first_seen_at            timestamptz NULL,
        created_by               uuid NOT NULL REFERENCES users(id),
        version                  integer NOT NULL DEFAULT 1,
        created_at               timestamptz NOT NULL DEFAULT now(),
        updated_at               timestamptz NOT NULL DEFAULT now(),
        triaged_at               timestamptz NULL,
        mitigated_at             timestamptz NULL,
        search                   tsvector GENERATED ALWAYS AS (
                                   setweight(to_tsvector('dutch', title), 'A') ||
                                   setweight(to_tsvector('dutch', description), 'B')) STORED
      )`);
    await db.query(`CREATE INDEX signals_page_idx ON signals (election_id, created_at DESC, id DESC)`);
    await db.query(`CREATE INDEX signals_recent_idx ON signals (created_at DESC, id DESC)`);
    await db.query(`CREATE INDEX signals_search_idx ON signals USING gin (search)`);
    await db.query(`CREATE INDEX signals_shared_idx ON signals USING gin (shared_with)`);
    await db.query(`CREATE INDEX signals_recipients_idx ON signals USING gin (recipients)`);
    await db.query(`CREATE INDEX signals_municipalities_idx ON signals USING gin (affected_municipalities)`);
    await db.query(`CREATE INDEX signals_owner_idx ON signals (owner_agency, created_at DESC)`);

    await db.query(`
      CREATE TABLE timeline_entries (
        id             uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        signal_id      uuid NOT NULL REFERENCES signals(id),
        kind           text NOT NULL CHECK (kind IN ('comment', 'assessment', 'system')),
        text           text NOT NULL CHECK (length(text) <= 20000),
        marking        text NOT NULL ${MARKING},
        author_id      uuid NOT NULL REFERENCES users(id),
        author_agency  text NOT NULL REFERENCES agencies(code),
        data           jsonb NULL,
        created_at     timestamptz NOT NULL DEFAULT clock_timestamp()
      )`);
    await db.query(`CREATE INDEX timeline_signal_idx ON timeline_entries (signal_id, created_at, id)`);

    await db.query(`
      CREATE TABLE measures (
        id             uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        signal_id      uuid NOT NULL REFERENCES signals(id),
        owner_agency   text NOT NULL REFERENCES agencies(code),
        description    text NOT NULL CHECK (length(description) BETWEEN 1 AND 2000),
        due_date       date NULL,
        due_milestone  text NULL CHECK (due_milestone IN ('candidate_nomination', 'polling_day', 'count', 'results')),
        status         text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'done', 'cancelled')),
        created_by     uuid NOT NULL REFERENCES users(id),
        version        integer NOT NULL DEFAULT 1,
        created_at     timestamptz NOT NULL DEFAULT now(),
        updated_at     timestamptz NOT NULL DEFAULT now(),
        CHECK (due_date IS NULL OR due_milestone IS NULL)
      )`);
    await db.query(`CREATE INDEX measures_signal_idx ON measures (signal_id, created_at)`);

    await db.query(`
      CREATE TABLE platform_reports (
        id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        signal_id     uuid NOT NULL REFERENCES signals(id),
        platform      text NOT NULL,
        content_url   text NOT NULL CHECK (length(content_url) <= 2048),
        ground        text NOT NULL CHECK (length(ground) BETWEEN 1 AND 2000),
        reported_at   timestamptz NOT NULL,
        outcome       text NOT NULL DEFAULT 'pending' CHECK (outcome IN ('pending', 'removed', 'labelled',
                        'restricted', 'no_action', 'no_response')),
        responded_at  timestamptz NULL,
        created_by    uuid NOT NULL REFERENCES users(id),
        version       integer NOT NULL DEFAULT 1,
        created_at    timestamptz NOT NULL DEFAULT now(),
        updated_at    timestamptz NOT NULL DEFAULT now()
      )`);
    await db.query(`CREATE INDEX platform_reports_signal_idx ON platform_reports (signal_id, reported_at)`);

    // The audit trail: append-only, each row chained to the one before by a SHA-256 hash.
    // Rows are numbered and hashed under one lock, so concurrent writers never fork the chain.
    await db.query(`
      CREATE TABLE audit_events (
        seq           bigint PRIMARY KEY,
        at            timestamptz NOT NULL DEFAULT clock_timestamp(),
        actor_id      uuid NULL,
        actor_agency  text NULL,
        action        text NOT NULL,
        entity_type   text NOT NULL,
        entity_id     text NULL,
        details       jsonb NOT NULL DEFAULT '{}'::jsonb,
        ip            text NULL,
        request_id    text NULL,
        prev_hash     bytea NOT NULL,
        hash          bytea NOT NULL
      )`);
    await db.query(`
      CREATE FUNCTION audit_payload(e audit_events) RETURNS bytea LANGUAGE sql STABLE AS $$
        SELECT convert_to(concat_ws('|', e.seq::text, to_char(e.at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US'),
          coalesce(e.actor_id::text, ''), coalesce(e.actor_agency, ''), e.action, e.entity_type,
          coalesce(e.entity_id, ''), e.details::text, coalesce(e.ip, ''), coalesce(e.request_id, '')), 'UTF8')
      $$`);
    await db.query(`
      CREATE FUNCTION audit_chain() RETURNS trigger LANGUAGE plpgsql AS $$
      DECLARE last audit_events%ROWTYPE;
      BEGIN
        PERFORM pg_advisory_xact_lock(727002);
        SELECT * INTO last FROM audit_events ORDER BY seq DESC LIMIT 1;
        NEW.seq := coalesce(last.seq, 0) + 1;
        NEW.at := clock_timestamp();
        NEW.prev_hash := coalesce(last.hash, '\\x0000000000000000000000000000000000000000000000000000000000000000'::bytea);
        NEW.hash := sha256(NEW.prev_hash || audit_payload(NEW));
        RETURN NEW;
      END $$`);
    await db.query(`CREATE TRIGGER audit_chain BEFORE INSERT ON audit_events FOR EACH ROW EXECUTE FUNCTION audit_chain()`);
    await db.query(`
      CREATE FUNCTION refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION '% is append-only: % refused', TG_TABLE_NAME, TG_OP USING ERRCODE = 'insufficient_privilege';
      END $$`);
    for (const table of ['audit_events', 'timeline_entries']) {
      await db.query(
        `CREATE TRIGGER ${table}_append_only BEFORE UPDATE OR DELETE ON ${table} FOR EACH ROW EXECUTE FUNCTION refuse_change()`,
      );
      await db.query(
        `CREATE TRIGGER ${table}_no_truncate BEFORE TRUNCATE ON ${table} FOR EACH STATEMENT EXECUTE FUNCTION refuse_change()`,
      );
    }

    // The transactional outbox: positions are taken under a lock held until commit, so they
    // become visible in position order and a reader that follows `position > cursor` skips nothing.
    await db.query(`
      CREATE TABLE outbox_events (
        position  bigint PRIMARY KEY,
        type      text NOT NULL,
        at        timestamptz NOT NULL DEFAULT clock_timestamp(),
        data      jsonb NOT NULL
      )`);
    await db.query(`CREATE SEQUENCE outbox_position_seq OWNED BY outbox_events.position`);
    // The same lock as the audit chain: one lock, one order, no deadlock between the two.
    await db.query(`
      CREATE FUNCTION outbox_position() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        PERFORM pg_advisory_xact_lock(727002);
        NEW.position := nextval('outbox_position_seq');
        NEW.at := clock_timestamp();
        RETURN NEW;
      END $$`);
    await db.query(`CREATE TRIGGER outbox_position BEFORE INSERT ON outbox_events FOR EACH ROW EXECUTE FUNCTION outbox_position()`);
    await db.query(`CREATE INDEX outbox_at_idx ON outbox_events (at)`);

    await db.query(`
      CREATE TABLE idempotency_keys (
        user_id          uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        key              text NOT NULL,
        method           text NOT NULL,
        path             text NOT NULL,
        request_hash     text NOT NULL,
        state            text NOT NULL CHECK (state IN ('in_flight', 'done')),
        response_status  integer NULL,
        response_body    jsonb NULL,
        response_headers jsonb NULL,
        created_at       timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (user_id, key)
      )`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE IF EXISTS idempotency_keys, outbox_events, audit_events, platform_reports, measures,
      timeline_entries, signals CASCADE`);
    await db.query(`DROP FUNCTION IF EXISTS audit_chain(), outbox_position(), refuse_change(), audit_payload(audit_events)`);
  }
}
