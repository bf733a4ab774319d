import { type Clearance, CLEARANCES, parseRoleList, type Role, textLength } from '@verkiezingstafel/domain';
import { randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import { hashPassword } from '../auth/auth.service';
import { dataSourceOptions, migrate } from '../database/data-source';
import { writeAudit } from '../database/unit-of-work';

export interface NewUser {
  email: string;
  name: string;
  agency: string;
  roles: Role[];
  clearance: Clearance;
}

/** A bad argument, named, so the command can say exactly what to fix. */
export class UsageError extends Error {}

const USAGE = `Usage: node dist/api/apps/api/src/users/cli.js create-user --email <e-mail> --name <name> --agency <code> --roles <role,...> [--clearance NONE|DEP_V]
The password is taken from TAFEL_NEW_USER_PASSWORD (12 characters or more) or, without it, made and printed once.`;

/** Reads `create-user --email ... --name ... --agency ... --roles ... [--clearance ...]`. */
export function parseCreateUser(argv: readonly string[]): NewUser {
  const [command, ...rest] = argv;
  if (command !== 'create-user') throw new UsageError(USAGE);
  const options = new Map<string, string>();
  for (let i = 0; i < rest.length; i += 2) {
    const key = rest[i];
    const value = rest[i + 1];
    if (!key?.startsWith('--') || value === undefined) throw new UsageError(`${key ?? ''}: expected --option value\n${USAGE}`);
    if (!['--email', '--name', '--agency', '--roles', '--clearance'].includes(key)) throw new UsageError(`${key}: unknown option\n${USAGE}`);
    options.set(key.slice(2), value);
  }
  const need = (name: string): string => {
    const value = options.get(name)?.trim();
    if (!value) throw new UsageError(`--${name}: required\n${USAGE}`);
    return value;
  };
  const email = need('email');
  if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email) || email.length > 254) throw new UsageError(`--email: "${email}" is not an e-mail address`);
  const name = need('name');
  if (textLength(name) < 1 || textLength(name) > 200) throw new UsageError('--name: 1 to 200 characters');
  const agency = need('agency').toUpperCase();
  let roles: Role[];
  try {
    roles = parseRoleList(need('roles'));
  } catch (error) {
    throw new UsageError(`--roles: ${(error as Error).message}`);
  }
  if (roles.length === 0) throw new UsageError('--roles: at least one role');
  const clearance = (options.get('clearance') ?? 'NONE').toUpperCase();
  if (!(CLEARANCES as readonly string[]).includes(clearance)) throw new UsageError(`--clearance: one of ${CLEARANCES.join(', ')}`);
  return { email, name, agency, roles, clearance: clearance as Clearance };
}

/**
 * Creates a user directly in the database: how a deployment gets its first administrator
 * (production never seeds users). Migrates first, refuses an unknown agency and an e-mail
 * address that is taken, and writes the creation to the audit trail.
 */
export async function createUser(databaseUrl: string, user: NewUser, password?: string): Promise<{ id: string; password: string; generated: boolean }> {
  if (password !== undefined && password.length < 12) throw new UsageError('TAFEL_NEW_USER_PASSWORD: 12 characters or more');
  const chosen = password ?? randomBytes(15).toString('base64url');
  await migrate(databaseUrl);
  const source = new DataSource(dataSourceOptions(databaseUrl, { max: 1, applicationName: 'verkiezingstafel-cli' }));
  await source.initialize();
  try {
    const passwordHash = await hashPassword(chosen);
    return await source.transaction(async (tx) => {
      const agencies: unknown[] = await tx.query(`SELECT 1 FROM agencies WHERE code = $1`, [user.agency]);
      if (agencies.length === 0) throw new UsageError(`--agency: no agency ${user.agency}`);
      const rows: { id: string }[] = await tx.query(
        `INSERT INTO users (email, name, agency_code, roles, clearance, password_hash)
         VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (lower(email)) DO NOTHING RETURNING id`,
        [user.email, user.name, user.agency, user.roles, user.clearance, passwordHash],
      );
      const id = rows[0]?.id;
      if (!id) throw new UsageError(`--email: ${user.email} already has an account`);
      await writeAudit(tx, null, [
        { action: 'user.create', entityType: 'user', entityId: id, details: { agency: user.agency, roles: user.roles, clearance: user.clearance, via: 'cli' } },
      ]);
      return { id, password: chosen, generated: password === undefined };
    });
  } finally {
    await source.destroy();
  }
}
