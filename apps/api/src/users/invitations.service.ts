import { Inject, Injectable } from '@nestjs/common';
import { type Clearance, type InvitationSummary, type Role } from '@verkiezingstafel/domain';
import { createHmac, randomBytes } from 'node:crypto';
import { DataSource, type EntityManager } from 'typeorm';
import { hashPassword } from '../auth/auth.service';
import { CLOCK, type Clock } from '../common/clock';
import { validationProblem } from '../common/api.errors';
import { requesterFor } from '../common/requester';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { RUNTIME, type Runtime } from '../config/runtime';
import { type Journal, UnitOfWork } from '../database/unit-of-work';
import { MailService } from '../mail/mail.service';
import { invitationMail } from './invitation.mail';
import { UserProblems } from './users.errors';

type Queryable = Pick<EntityManager, 'query'>;

/** The board page an invitation link opens; the token follows after `#`. */
export const INVITATION_PATH = '/uitnodiging';

interface InvitationRow {
  id: string;
  user_id: string;
  purpose: 'invite' | 'reset';
  expires_at: Date;
  used_at: Date | null;
  revoked_at: Date | null;
  name: string;
  email: string;
  active: boolean;
  agency_code: string;
  agency_name: string;
  agency_type: InvitationSummary['agency']['type'];
}

interface AccountRow {
  id: string;
  name: string;
  email: string;
  roles: Role[];
  clearance: Clearance;
  totp_enabled: boolean;
}

/** What is stored of a token: a keyed hash, so a leaked table opens no account. */
export function hashInvitationToken(secret: string, token: string): Buffer {
  return createHmac('sha256', secret).update(`invitation\u0000${token}`).digest();
}

/**
 * Invitations: a one-time link by mail with which a new (or reset) user sets a password.
 * Tokens are 256 random bits, stored only as a keyed hash, expire after INVITATION_HOURS,
 * work once, and a newer invitation (or deactivation) withdraws the one before.
 */
@Injectable()
export class InvitationsService {
  constructor(
    private readonly db: DataSource,
    private readonly unitOfWork: UnitOfWork,
    private readonly mail: MailService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(RUNTIME) private readonly runtime: Runtime,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  /**
   * Inside the caller's transaction: withdraws the user's open invitation, creates a new one
   * and queues its mail. Returns when the new link stops working.
   */
  async issue(tx: Queryable, user: { id: string; name: string; email: string; agencyName: string }, purpose: 'invite' | 'reset', createdBy: string | null): Promise<Date> {
    const now = this.clock.now();
    await this.withdraw(tx, user.id);
    const token = randomBytes(32).toString('base64url');
    const expiresAt = new Date(now.getTime() + this.config.invitationHours * 3_600_000);
    const [{ id }]: { id: string }[] = await tx.query(
      `INSERT INTO invitations (user_id, token_hash, purpose, created_by, created_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
      [user.id, hashInvitationToken(this.runtime.sessionSecret, token), purpose, createdBy, now, expiresAt],
    );
    await this.mail.enqueue(
      tx,
      invitationMail({
        to: user.email,
        name: user.name,
        agencyName: user.agencyName,
        purpose,
        link: `${this.config.publicOrigin}${INVITATION_PATH}#${token}`,
        expiresAt,
        invitationId: id,
      }),
    );
    return expiresAt;
  }

  /** Withdraws the user's open invitation, if any (a new one, a deactivation). */
  async withdraw(tx: Queryable, userId: string): Promise<void> {
    await tx.query(`UPDATE invitations SET revoked_at = $2 WHERE user_id = $1 AND used_at IS NULL AND revoked_at IS NULL`, [
      userId,
      this.clock.now(),
    ]);
  }

  /** Who the link is for, while it works; otherwise why it does not. */
  async lookup(token: string): Promise<InvitationSummary> {
    const row = await this.find(this.db.manager, token);
    this.assertOpen(row);
    return {
      name: row.name,
      email: row.email,
      agency: { code: row.agency_code, name: row.agency_name, type: row.agency_type },
      purpose: row.purpose,
      expiresAt: row.expires_at.toISOString(),
    };
  }

  /**
   * Sets the password and spends the link, in one transaction: of two uses at once, one
   * wins and the other finds the link used. Audited as the user's own act.
   */
  async accept(token: string, password: string, ip: string | null, requestId: string | null): Promise<{ email: string }> {
    const found = await this.find(this.db.manager, token);
    this.assertOpen(found);
    this.checkPassword(password, found);
    // Hashing takes a while: done before the transaction, so nothing waits on it.
    const passwordHash = await hashPassword(password);
    const [row]: AccountRow[] = await this.db.query(
      `SELECT u.id, u.name, u.email, u.roles, u.clearance, u.totp_enabled FROM users u WHERE u.id = $1`,
      [found.user_id],
    );
    if (!row) throw UserProblems.invitationUnknown();
    // The audit trail names the user as the one who set the password.
    const requester = requesterFor(
      {
        id: row.id,
        name: row.name,
        email: row.email,
        agency: { code: found.agency_code, name: found.agency_name, type: found.agency_type },
        roles: row.roles,
        clearance: row.clearance,
        totpEnabled: row.totp_enabled,
        totpEnrolmentRequired: false,
      },
      ip,
      requestId,
    );
    return this.unitOfWork.run(requester, async (tx, journal: Journal) => {
      const spent: { user_id: string; purpose: string }[] = await tx.query(
        `UPDATE invitations SET used_at = $3
          WHERE token_hash = $1 AND user_id = $2 AND used_at IS NULL AND revoked_at IS NULL AND expires_at > $3
          RETURNING user_id, purpose`,
        [hashInvitationToken(this.runtime.sessionSecret, token), found.user_id, this.clock.now()],
      );
      if (spent.length === 0) {
        // Used, withdrawn or expired since it was looked up a moment ago: say which.
        this.assertOpen(await this.find(tx, token));
        throw UserProblems.invitationSpent('used');
      }
      const [, changed]: [unknown, number] = await tx.query(
        `UPDATE users SET password_hash = $2, version = version + 1, updated_at = now() WHERE id = $1 AND active`,
        [found.user_id, passwordHash],
      );
      if (changed !== 1) throw UserProblems.invitationSpent('revoked');
      journal.audit({ action: 'user.password_set', entityType: 'user', entityId: found.user_id, details: { purpose: spent[0]!.purpose } });
      return { email: row.email };
    });
  }

  private async find(tx: Queryable, token: string): Promise<InvitationRow> {
    const rows: InvitationRow[] = await tx.query(
      `SELECT i.id, i.user_id, i.purpose, i.expires_at, i.used_at, i.revoked_at, u.name, u.email, u.active,
              a.code AS agency_code, a.name AS agency_name, a.type AS agency_type
         FROM invitations i JOIN users u ON u.id = i.user_id JOIN agencies a ON a.code = u.agency_code
        WHERE i.token_hash = $1`,
      [hashInvitationToken(this.runtime.sessionSecret, token)],
    );
    const row = rows[0];
    if (!row) throw UserProblems.invitationUnknown();
    return row;
  }

  private assertOpen(row: InvitationRow): void {
    if (row.used_at !== null) throw UserProblems.invitationSpent('used');
    if (row.revoked_at !== null || !row.active) throw UserProblems.invitationSpent('revoked');
    if (row.expires_at.getTime() <= this.clock.now().getTime()) throw UserProblems.invitationSpent('expired');
  }

  /** Length over rules (NCSC; the DTO bounds the length): not the user's own e-mail address or name. */
  private checkPassword(password: string, user: { email: string; name: string }): void {
    const lower = password.trim().toLowerCase();
    if (lower === user.email.toLowerCase() || lower === user.name.trim().toLowerCase()) {
      throw validationProblem([{ field: 'password', code: 'not_allowed', message: 'password must not be your e-mail address or name' }]);
    }
  }
}
