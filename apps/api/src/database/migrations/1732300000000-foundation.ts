import { MigrationInterface, QueryRunner } from 'typeorm';

/** Agencies, users, sessions, sign-in attempts and elections. */
export class Foundation1732300000000 implements MigrationInterface {
  name = 'Foundation1732300000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE agencies (
        code        text PRIMARY KEY CHECK (code ~ '^[A-Z][A-Z0-9_]{1,15}$'),
        name        text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
        type        text NOT NULL CHECK (type IN ('core', 'municipality', 'external')),
        province    text NULL,
        created_at  timestamptz NOT NULL DEFAULT now(),
        CHECK ((type = 'municipality') = (code ~ '^GM[0-9]{4}$'))
      )`);
    await db.query(`
      CREATE TABLE users (
        id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        email           text NOT NULL CHECK (length(email) BETWEEN 3 AND 320),
        name            text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
        agency_code     text NOT NULL REFERENCES agencies(code),
        roles           text[] NOT NULL CHECK (cardinality(roles) >= 1 AND
                          roles <@ ARRAY['liaison', 'chair', 'municipal', 'observer', 'admin']),
        clearance       text NOT NULL DEFAULT 'NONE' CHECK (clearance IN ('NONE', 'DEP_V')),
        password_hash   text NOT NULL,
        active          boolean NOT NULL DEFAULT true,
        totp_secret     text NULL,
        totp_enabled    boolean NOT NULL DEFAULT false,
        totp_last_step  bigint NULL,
        authz_version   integer NOT NULL DEFAULT 1,
        created_at      timestamptz NOT NULL DEFAULT now(),
        updated_at      timestamptz NOT NULL DEFAULT now()
      )`);
    await db.query(`CREATE UNIQUE INDEX users_email_key ON users (lower(email))`);
    await db.query(`CREATE INDEX users_agency_idx ON users (agency_code)`);
    await db.query(`
      CREATE TABLE sessions (
        id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        token_hash    bytea NOT NULL UNIQUE,
        user_id       uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        created_at    timestamptz NOT NULL DEFAULT now(),
        last_seen_at  timestamptz NOT NULL DEFAULT now(),
        expires_at    timestamptz NOT NULL,
        revoked_at    timestamptz NULL,
        ip            text NULL,
        user_agent    text NULL
      )`);
    await db.query(`CREATE INDEX sessions_user_idx ON sessions (user_id)`);
    await db.query(`
      CREATE TABLE login_attempts (
        id         bigserial PRIMARY KEY,
        email      text NOT NULL,
        ip         text NOT NULL,
        succeeded  boolean NOT NULL,
        at         timestamptz NOT NULL DEFAULT now()
      )`);
    await db.query(`CREATE INDEX login_attempts_email_idx ON login_attempts (lower(email), at)`);
    await db.query(`CREATE INDEX login_attempts_ip_idx ON login_attempts (ip, at)`);
    await db.query(`
      CREATE TABLE elections (
        id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        code          text NOT NULL UNIQUE CHECK (code ~ '^[A-Z]{2}[0-9]{4}[A-Z0-9-]{0,12}$'),
        name          text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
        type          text NOT NULL CHECK (type IN ('TK', 'EK', 'PS', 'WS', 'GR', 'EP')),
        election_day  date NOT NULL,
        phase         text NOT NULL DEFAULT 'preparation'
                        CHECK (phase IN ('preparation', 'campaign', 'election_day', 'counting', 'evaluation')),
        exercise      boolean NOT NULL DEFAULT false,
        milestones    jsonb NOT NULL DEFAULT '[]'::jsonb,
        version       integer NOT NULL DEFAULT 1,
        created_at    timestamptz NOT NULL DEFAULT now(),
        updated_at    timestamptz NOT NULL DEFAULT now()
      )`);
    await db.query(`
      CREATE TABLE election_municipalities (
        election_id  uuid NOT NULL REFERENCES elections(id) ON DELETE CASCADE,
        agency_code  text NOT NULL REFERENCES agencies(code),
        PRIMARY KEY (election_id, agency_code)
      )`);
    await db.query(`
      CREATE TABLE app_meta (
        key         text PRIMARY KEY,
        value       jsonb NOT NULL,
        updated_at  timestamptz NOT NULL DEFAULT now()
      )`);
  }

  async down(db: QueryRunner): Promise<void> {
    for (const table of [
      'app_meta',
      'election_municipalities',
      'elections',
      'login_attempts',
      'sessions',
      'users',
      'agencies',
    ]) {
      await db.query(`DROP TABLE IF EXISTS ${table}`);
    }
  }
}
