import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * User administration: an invited user has no password until the invitation is used; a user
 * row is versioned for optimistic locking; invitation tokens are stored as keyed hashes.
 */
export class UserAdministration1732700000001 implements MigrationInterface {
  name = 'UserAdministration1732700000001';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE users ALTER COLUMN password_hash DROP NOT NULL`);
    await db.query(`ALTER TABLE users ADD COLUMN version integer NOT NULL DEFAULT 1`);
    await db.query(`
      CREATE TABLE invitations (
        id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        user_id     uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        token_hash  bytea NOT NULL UNIQUE,
        purpose     text NOT NULL CHECK (purpose IN ('invite', 'reset')),
        created_by  uuid NULL REFERENCES users(id),
        created_at  timestamptz NOT NULL DEFAULT now(),
        expires_at  timestamptz NOT NULL,
        used_at     timestamptz NULL,
        revoked_at  timestamptz NULL,
        CHECK (expires_at > created_at)
      )`);
    await db.query(`CREATE INDEX invitations_user_idx ON invitations (user_id, created_at DESC)`);
    // At most one open invitation per user: a new one revokes the one before.
    await db.query(`CREATE UNIQUE INDEX invitations_open_idx ON invitations (user_id) WHERE used_at IS NULL AND revoked_at IS NULL`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE IF EXISTS invitations`);
    await db.query(`ALTER TABLE users DROP COLUMN IF EXISTS version`);
    await db.query(`UPDATE users SET password_hash = '' WHERE password_hash IS NULL`);
    await db.query(`ALTER TABLE users ALTER COLUMN password_hash SET NOT NULL`);
  }
}
