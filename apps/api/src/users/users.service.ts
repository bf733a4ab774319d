import { Inject, Injectable } from '@nestjs/common';
import {
  type AgencyType,
  type Clearance,
  type ManagedUser,
  type ManagedUserPage,
  type Role,
  type UserAdminField,
  type UserState,
  userSubject,
} from '@verkiezingstafel/domain';
import { DataSource, type EntityManager } from 'typeorm';
import { CLOCK, type Clock } from '../common/clock';
import { notFound, validationProblem } from '../common/api.errors';
import type { Requester } from '../common/requester';
import { UnitOfWork } from '../database/unit-of-work';
import { MailService } from '../mail/mail.service';
import type { CreateUserDto, UpdateUserDto } from './dto/user-write.dto';
import type { UserQueryDto } from './dto/user-query.dto';
import { InvitationsService } from './invitations.service';
import { UserProblems } from './users.errors';

type Queryable = Pick<EntityManager, 'query'>;

/** Every write of user administration takes this lock: the last-admin rule is then a plain count. */
const USER_ADMIN_LOCK = 727003;

interface UserRow {
  id: string;
  name: string;
  email: string;
  agency_code: string;
  agency_name: string;
  agency_type: AgencyType;
  roles: Role[];
  clearance: Clearance;
  active: boolean;
  totp_enabled: boolean;
  has_password: boolean;
  version: number;
  created_at: Date;
  updated_at: Date;
  last_sign_in_at: Date | null;
  invitation_id: string | null;
  invitation_purpose: 'invite' | 'reset' | null;
  invitation_created_at: Date | null;
  invitation_expires_at: Date | null;
}

const USER_SELECT = `
  u.id, u.name, u.email, u.agency_code, a.name AS agency_name, a.type AS agency_type, u.roles, u.clearance, u.active,
  u.totp_enabled, u.password_hash IS NOT NULL AS has_password, u.version, u.created_at, u.updated_at,
  (SELECT max(s.created_at) FROM sessions s WHERE s.user_id = u.id) AS last_sign_in_at,
  i.id AS invitation_id, i.purpose AS invitation_purpose, i.created_at AS invitation_created_at, i.expires_at AS invitation_expires_at
  FROM users u
  JOIN agencies a ON a.code = u.agency_code
  LEFT JOIN LATERAL (
    SELECT id, purpose, created_at, expires_at FROM invitations
     WHERE user_id = u.id AND used_at IS NULL AND revoked_at IS NULL ORDER BY created_at DESC LIMIT 1
  ) i ON u.password_hash IS NULL`;

function stateOf(row: Pick<UserRow, 'active' | 'has_password'>): UserState {
  if (!row.active) return 'deactivated';
  return row.has_password ? 'active' : 'invited';
}

function sameSet(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((value) => b.includes(value));
}

/** The roles in a stable order, so that a change is recognised as one and stored alike. */
function ordered(roles: readonly Role[]): Role[] {
  const order: Role[] = ['liaison', 'chair', 'municipal', 'observer', 'admin'];
  return order.filter((role) => roles.includes(role));
}

function encodeCursor(row: Pick<UserRow, 'name' | 'id'>): string {
  return Buffer.from(JSON.stringify([row.name, row.id])).toString('base64url');
}

function decodeCursor(cursor: string): { name: string; id: string } | null {
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(value) && typeof value[0] === 'string' && typeof value[1] === 'string' && /^[0-9a-f-]{36}$/.test(value[1])) {
      return { name: value[0], id: value[1] };
    }
  } catch {
    // Not ours.
  }
  return null;
}

/**
 * User administration (admin only, visibility.md): accounts, their agency, roles and
 * clearance, deactivation, and resets of password and second factor. It reads and writes
 * accounts only, never the records users work on. Every change is audited; a change of
 * access reaches the user's open boards through the `user_changed` trigger (realtime.md).
 */
@Injectable()
export class UsersService {
  constructor(
    private readonly db: DataSource,
    private readonly unitOfWork: UnitOfWork,
    private readonly invitations: InvitationsService,
    private readonly mail: MailService,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async list(query: UserQueryDto): Promise<ManagedUserPage> {
    const limit = query.limit ?? 50;
    const values: unknown[] = [];
    const add = (value: unknown) => `$${values.push(value)}`;
    const where: string[] = ['true'];
    const q = query.q?.trim();
    if (q) {
      const pattern = add(`%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`);
      where.push(`(u.name ILIKE ${pattern} OR u.email ILIKE ${pattern})`);
    }
    if (query.agency) where.push(`u.agency_code = ${add(query.agency)}`);
    if (query.role) where.push(`${add(query.role)} = ANY(u.roles)`);
    if (query.state === 'deactivated') where.push('NOT u.active');
    if (query.state === 'invited') where.push('u.active AND u.password_hash IS NULL');
    if (query.state === 'active') where.push('u.active AND u.password_hash IS NOT NULL');
    if (query.cursor !== undefined) {
      const cursor = decodeCursor(query.cursor);
      if (!cursor) throw validationProblem([{ field: 'cursor', code: 'invalid_cursor', message: 'cursor is not a cursor of this list' }]);
      where.push(`(u.name, u.id) > (${add(cursor.name)}, ${add(cursor.id)}::uuid)`);
    }
    const rows: UserRow[] = await this.db.query(
      `SELECT ${USER_SELECT} WHERE ${where.join(' AND ')} ORDER BY u.name, u.id LIMIT ${add(limit + 1)}`,
      values,
    );
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    return { items: await this.toUsers(this.db.manager, page), nextCursor: rows.length > limit && last ? encodeCursor(last) : null };
  }

  async get(id: string, tx: Queryable = this.db.manager): Promise<ManagedUser> {
    const rows: UserRow[] = await tx.query(`SELECT ${USER_SELECT} WHERE u.id = $1`, [id]);
    if (!rows[0]) throw notFound('user');
    const [user] = await this.toUsers(tx, rows);
    return user!;
  }

  /** A new account without a password, and its invitation mail, in one transaction. */
  async create(requester: Requester, input: CreateUserDto): Promise<ManagedUser> {
    const email = input.email.trim();
    const name = input.name.trim();
    if (name === '') throw validationProblem([{ field: 'name', code: 'required', message: 'name must not be empty' }]);
    const roles = ordered(input.roles);
    const clearance = input.clearance ?? 'NONE';
    return this.unitOfWork.run(requester, async (tx, journal) => {
      await this.lock(tx, requester);
      const agency = await this.agency(tx, input.agency);
      this.checkRoles(roles, agency);
      const rows: { id: string }[] = await tx.query(
        `INSERT INTO users (email, name, agency_code, roles, clearance, password_hash)
         VALUES ($1, $2, $3, $4, $5, NULL) ON CONFLICT (lower(email)) DO NOTHING RETURNING id`,
        [email, name, agency.code, roles, clearance],
      );
      const id = rows[0]?.id;
      if (!id) throw UserProblems.emailTaken(email);
      const expiresAt = await this.invitations.issue(tx, { id, name, email, agencyName: agency.name }, 'invite', requester.user.id);
      journal.audit({
        action: 'user.create',
        entityType: 'user',
        entityId: id,
        details: { agency: agency.code, roles, clearance, invitationExpiresAt: expiresAt.toISOString() },
      });
      return this.get(id, tx);
    });
  }

  /**
   * Name, agency, roles, clearance and the active flag. Refused: changing one's own access,
   * and a change that would leave no active administrator.
   */
  async update(requester: Requester, id: string, input: UpdateUserDto): Promise<ManagedUser> {
    return this.unitOfWork.run(requester, async (tx, journal) => {
      await this.lock(tx, requester);
      const current = await this.get(id, tx);
      if (current.version !== input.version) throw UserProblems.versionConflict(input.version, current);

      const name = input.name?.trim();
      if (name === '') throw validationProblem([{ field: 'name', code: 'required', message: 'name must not be empty' }]);
      const roles = input.roles ? ordered(input.roles) : current.roles;
      const agency = input.agency === undefined || input.agency === current.agency.code ? current.agency : await this.agency(tx, input.agency);
      const clearance = input.clearance ?? current.clearance;
      const active = input.active ?? current.active;

      const changed: UserAdminField[] = [];
      if (name !== undefined && name !== current.name) changed.push('name');
      if (!sameSet(roles, current.roles)) changed.push('roles');
      if (agency.code !== current.agency.code) changed.push('agency');
      if (clearance !== current.clearance) changed.push('clearance');
      if (active !== current.active) changed.push('active');
      for (const field of changed) this.assertMay(requester, id, field);
      if (changed.includes('roles') || changed.includes('agency')) this.checkRoles(roles, agency);
      await this.assertAdminsRemain(tx, current, roles, active);
      if (changed.length === 0) return current;

      await tx.query(
        `UPDATE users SET name = $2, agency_code = $3, roles = $4, clearance = $5, active = $6, version = version + 1, updated_at = now()
          WHERE id = $1`,
        [id, name ?? current.name, agency.code, roles, clearance, active],
      );
      if (!active && current.active) {
        // Deactivated: every session ends now (and with it every socket), an open link too.
        await this.endSessions(tx, id);
        await this.invitations.withdraw(tx, id);
        journal.audit({ action: 'user.deactivate', entityType: 'user', entityId: id });
      }
      if (active && !current.active) {
        journal.audit({ action: 'user.reactivate', entityType: 'user', entityId: id });
        // Reactivated before a password was ever set: it needs a link that works.
        if (!(await this.hasPassword(tx, id))) {
          const expiresAt = await this.invitations.issue(
            tx,
            { id, name: name ?? current.name, email: current.email, agencyName: agency.name },
            'invite',
            requester.user.id,
          );
          journal.audit({ action: 'user.reset_password', entityType: 'user', entityId: id, details: { invitationExpiresAt: expiresAt.toISOString() } });
        }
      }
      const fields = changed.filter((field) => field !== 'active');
      if (fields.length > 0) journal.audit({ action: 'user.update', entityType: 'user', entityId: id, details: this.changeDetails(current, fields, { roles, agency: agency.code, clearance }) });
      return this.get(id, tx);
    });
  }

  /** Clears the password, ends the user's sessions and sends a new invitation. */
  async resetPassword(requester: Requester, id: string): Promise<ManagedUser> {
    return this.unitOfWork.run(requester, async (tx, journal) => {
      await this.lock(tx, requester);
      const current = await this.get(id, tx);
      this.assertMay(requester, id, 'password');
      if (!current.active) throw UserProblems.deactivated();
      await tx.query(`UPDATE users SET password_hash = NULL, version = version + 1, updated_at = now() WHERE id = $1`, [id]);
      await this.endSessions(tx, id);
      const expiresAt = await this.invitations.issue(
        tx,
        { id, name: current.name, email: current.email, agencyName: current.agency.name },
        current.state === 'invited' ? 'invite' : 'reset',
        requester.user.id,
      );
      journal.audit({ action: 'user.reset_password', entityType: 'user', entityId: id, details: { invitationExpiresAt: expiresAt.toISOString() } });
      return this.get(id, tx);
    });
  }

  /** Clears the second factor (a lost phone): the user enrols again at the next sign-in. */
  async resetTotp(requester: Requester, id: string): Promise<ManagedUser> {
    return this.unitOfWork.run(requester, async (tx, journal) => {
      await this.lock(tx, requester);
      const current = await this.get(id, tx);
      this.assertMay(requester, id, 'totp');
      if (!current.totpEnabled) throw UserProblems.noSecondFactor();
      await tx.query(
        `UPDATE users SET totp_enabled = false, totp_secret = NULL, totp_last_step = NULL, version = version + 1, updated_at = now()
          WHERE id = $1`,
        [id],
      );
      await this.endSessions(tx, id);
      journal.audit({ action: 'user.reset_totp', entityType: 'user', entityId: id });
      return this.get(id, tx);
    });
  }

  /**
   * Serialises user administration, then re-reads the requester: an administrator removed by
   * another one a moment ago (whose change committed while this request waited) acts no more.
   */
  private async lock(tx: Queryable, requester: Requester): Promise<void> {
    await tx.query(`SELECT pg_advisory_xact_lock(${USER_ADMIN_LOCK})`);
    const rows: unknown[] = await tx.query(`SELECT 1 FROM users WHERE id = $1 AND active AND 'admin' = ANY(roles)`, [requester.user.id]);
    if (rows.length === 0) {
      throw UserProblems.noLongerAdmin();
    }
  }

  /** The domain ability decides what an administrator may change of an account (not its own access). */
  private assertMay(requester: Requester, userId: string, field: UserAdminField): void {
    if (!requester.ability.can('update', userSubject({ id: userId }), field)) throw UserProblems.ownAccount(field);
  }

  private async assertAdminsRemain(tx: Queryable, current: ManagedUser, roles: readonly Role[], active: boolean): Promise<void> {
    const wasAdmin = current.active && current.roles.includes('admin');
    const staysAdmin = active && roles.includes('admin');
    if (!wasAdmin || staysAdmin) return;
    const [{ n }]: { n: number }[] = await tx.query(
      `SELECT count(*)::int AS n FROM users WHERE active AND 'admin' = ANY(roles) AND id <> $1`,
      [current.id],
    );
    if (n === 0) throw UserProblems.lastAdmin(active ? 'roles' : 'active');
  }

  private async agency(tx: Queryable, code: string): Promise<{ code: string; name: string; type: AgencyType }> {
    const rows: { code: string; name: string; type: AgencyType }[] = await tx.query(`SELECT code, name, type FROM agencies WHERE code = $1`, [code]);
    if (!rows[0]) throw UserProblems.unknownAgency(code);
    return rows[0];
  }

  /**
   * Roles that fit the agency (domain.md): the `municipal` role is a municipality's, and a
   * municipality's officials hold it (observing aside); the chair of the table is from BZK.
   */
  private checkRoles(roles: readonly Role[], agency: { code: string; type: AgencyType }): void {
    if (agency.type === 'municipality' && roles.some((role) => role !== 'municipal' && role !== 'observer')) {
      throw UserProblems.rolesConflict('a municipality\'s users hold the municipal (or observer) role');
    }
    if (agency.type !== 'municipality' && roles.includes('municipal')) {
      throw UserProblems.rolesConflict('the municipal role is for users of a municipality');
    }
    if (roles.includes('chair') && agency.code !== 'BZK') throw UserProblems.rolesConflict('the chair of the table is a BZK official');
  }

  private async endSessions(tx: Queryable, userId: string): Promise<void> {
    await tx.query(`UPDATE sessions SET revoked_at = now() WHERE user_id = $1 AND revoked_at IS NULL`, [userId]);
  }

  private async hasPassword(tx: Queryable, userId: string): Promise<boolean> {
    const rows: { has: boolean }[] = await tx.query(`SELECT password_hash IS NOT NULL AS has FROM users WHERE id = $1`, [userId]);
    return rows[0]?.has === true;
  }

  private changeDetails(
    current: ManagedUser,
    fields: readonly UserAdminField[],
    next: { roles: Role[]; agency: string; clearance: Clearance },
  ): Record<string, unknown> {
    const details: Record<string, unknown> = { fields };
    if (fields.includes('roles')) details['roles'] = { from: current.roles, to: next.roles };
    if (fields.includes('agency')) details['agency'] = { from: current.agency.code, to: next.agency };
    if (fields.includes('clearance')) details['clearance'] = { from: current.clearance, to: next.clearance };
    return details;
  }

  private async toUsers(tx: Queryable, rows: readonly UserRow[]): Promise<ManagedUser[]> {
    const invitationIds = rows.flatMap((row) => (row.invitation_id ? [row.invitation_id] : []));
    const mails = await this.mail.deliveries(tx, 'invitation', invitationIds);
    const now = this.clock.now().getTime();
    return rows.map((row) => ({
      id: row.id,
      name: row.name,
      email: row.email,
      agency: { code: row.agency_code, name: row.agency_name, type: row.agency_type },
      roles: row.roles,
      clearance: row.clearance,
      state: stateOf(row),
      active: row.active,
      totpEnabled: row.totp_enabled,
      invitation:
        row.invitation_id && row.invitation_purpose && row.invitation_created_at && row.invitation_expires_at
          ? {
              purpose: row.invitation_purpose,
              createdAt: row.invitation_created_at.toISOString(),
              expiresAt: row.invitation_expires_at.toISOString(),
              expired: row.invitation_expires_at.getTime() <= now,
              mail: mails.get(row.invitation_id)?.at(-1) ?? null,
            }
          : null,
      lastSignInAt: row.last_sign_in_at?.toISOString() ?? null,
      createdAt: row.created_at.toISOString(),
      updatedAt: row.updated_at.toISOString(),
      version: row.version,
    }));
  }
}

