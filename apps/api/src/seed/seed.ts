import type { Agency } from '@verkiezingstafel/domain';
import { DataSource } from 'typeorm';
import { hashPassword } from '../auth/auth.service';
import { DEMO_SIGNALS } from './demo-signals';
import { DEMO_MUNICIPALITIES, DEMO_USERS, STANDING_AGENCIES } from './reference-data';

function upsertAgencies(db: Pick<DataSource, 'query'>, agencies: Agency[]): Promise<unknown> {
  return db.query(
    `INSERT INTO agencies (code, name, type, province)
     SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[])
     ON CONFLICT (code) DO UPDATE SET name = EXCLUDED.name, type = EXCLUDED.type, province = EXCLUDED.province`,
    [agencies.map((a) => a.code), agencies.map((a) => a.name), agencies.map((a) => a.type), agencies.map((a) => a.province)],
  );
}

/** The core table and external observers; idempotent, run at every start. */
export async function seedStandingAgencies(db: DataSource): Promise<void> {
  await upsertAgencies(db, STANDING_AGENCIES);
}

export interface DemoSeedResult {
  seeded: boolean;
}

/**
 * The demo of contract.md, written once: a second start finds the marker in `app_meta` and
 * leaves the data as the users left it.
 */
export async function seedDemo(db: DataSource, demoPassword: string): Promise<DemoSeedResult> {
  const marker: unknown[] = await db.query(`SELECT 1 FROM app_meta WHERE key = 'demo_seeded'`);
  if (marker.length > 0) return { seeded: false };

  const hashes = await Promise.all(DEMO_USERS.map(() => hashPassword(demoPassword)));
  return db.transaction(async (tx) => {
    // Replicas starting together: one seeds, the others find the marker.
    await tx.query(`SELECT pg_advisory_xact_lock(727004)`);
    const seededMeanwhile: unknown[] = await tx.query(`SELECT 1 FROM app_meta WHERE key = 'demo_seeded'`);
    if (seededMeanwhile.length > 0) return { seeded: false };
    await upsertAgencies(tx, DEMO_MUNICIPALITIES);
    for (const [index, user] of DEMO_USERS.entries()) {
      await tx.query(
        `INSERT INTO users (email, name, agency_code, roles, clearance, password_hash)
         VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT (lower(email)) DO NOTHING`,
        [user.email, user.name, user.agency, user.roles, user.clearance, hashes[index]],
      );
    }
    const [election] = (await tx.query(
      `INSERT INTO elections (code, name, type, election_day, phase, milestones)
       VALUES ('TK2025', 'Tweede Kamerverkiezing 2025', 'TK', '2025-10-29', 'evaluation', $1::jsonb)
       ON CONFLICT (code) DO UPDATE SET code = EXCLUDED.code
       RETURNING id`,
      [
        JSON.stringify([
          { code: 'candidate_nomination', date: '2025-09-15' },
          { code: 'polling_day', date: '2025-10-29' },
          { code: 'count', date: '2025-10-30' },
          { code: 'results', date: '2025-11-07' },
        ]),
      ],
    )) as { id: string }[];
    await tx.query(
      `INSERT INTO election_municipalities (election_id, agency_code)
       SELECT $1, code FROM agencies WHERE type = 'municipality' ON CONFLICT DO NOTHING`,
      [election?.id],
    );
    const users: { id: string; email: string }[] = await tx.query(`SELECT id, email FROM users`);
    const idOf = (email: string): string => {
      const user = users.find((u) => u.email === email);
      if (!user) throw new Error(`demo user ${email} missing`);
      return user.id;
    };
    for (const [index, signal] of DEMO_SIGNALS.entries()) {
      await tx.query(
        `INSERT INTO signals (election_id, title, description, category, severity, status, marking, classification,
           owner_agency, lead_agency, shared_with, recipients, affected_municipalities, platforms, evidence,
           disarm_techniques, source, first_seen_at, created_by, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11::text[], $12::uuid[], $13::text[], $14::text[], $15::jsonb,
           $16::text[], $17, $18::timestamptz, $19, $18::timestamptz, $18::timestamptz)`,
        [
          election?.id,
          signal.title,
          signal.description,
          signal.category,
          signal.severity,
          signal.status,
          signal.marking,
          signal.classification ?? 'NONE',
          signal.owner,
          signal.lead ?? null,
          signal.sharedWith ?? [],
          (signal.recipients ?? []).map(idOf),
          signal.affected ?? [],
          signal.platforms ?? [],
          JSON.stringify((signal.evidence ?? []).map((url) => ({ url }))),
          signal.disarm ?? [],
          signal.source ?? null,
          new Date(Date.UTC(2025, 9, 20 + Math.floor(index / 2), 8 + index, 0)).toISOString(),
          idOf(signal.author),
        ],
      );
    }
    await tx.query(`INSERT INTO app_meta (key, value) VALUES ('demo_seeded', to_jsonb(now()))`);
    return { seeded: true };
  });
}
