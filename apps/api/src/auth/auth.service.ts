import { hash, verify } from '@node-rs/argon2';
import { Inject, Injectable } from '@nestjs/common';
import { requiresTotp, type SessionUser } from '@verkiezingstafel/domain';
import { authenticator } from 'otplib';
import { randomBytes } from 'node:crypto';
import { toDataURL } from 'qrcode';
import { DataSource } from 'typeorm';
import { validationProblem } from '../common/api.errors';
import { AuthError, authProblem } from './auth.errors';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { RUNTIME, type Runtime } from '../config/runtime';
import type { AuthContext } from './auth.context';
import { hashSessionToken, newSessionToken, openSecret, sealSecret } from './auth.crypto';
import { LoginDto } from './dto/login.dto';
import { LoginThrottleService } from './login-throttle.service';

authenticator.options = { window: 1, step: 30, digits: 6 };

/** Compared against when the e-mail is unknown, so timing does not reveal which part was wrong. */
let dummyHash: Promise<string> | undefined;
function timingDummy(): Promise<string> {
  dummyHash ??= hash(randomBytes(16).toString('hex'));
  return dummyHash;
}

export function hashPassword(password: string): Promise<string> {
  // @node-rs/argon2 defaults to argon2id with the OWASP parameters (19 MiB, t=2, p=1).
  return hash(password);
}

interface SessionRow {
  session_id: string;
  last_seen_age: number;
  id: string;
  name: string;
  email: string;
  roles: SessionUser['roles'];
  clearance: SessionUser['clearance'];
  totp_enabled: boolean;
  agency_code: string;
  agency_name: string;
  agency_type: SessionUser['agency']['type'];
}

interface CredentialRow {
  id: string;
  password_hash: string;
  active: boolean;
  totp_enabled: boolean;
  totp_secret: string | null;
  totp_last_step: string | null;
}

const invalidCredentials = () =>
  authProblem(AuthError.InvalidCredentials, {
    detail: 'The e-mail address, password or code is not correct.',
  });

@Injectable()
export class AuthService {
  constructor(
    private readonly db: DataSource,
    private readonly throttle: LoginThrottleService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(RUNTIME) private readonly runtime: Runtime,
  ) {}

  async login(input: LoginDto, ip: string, userAgent: string | null): Promise<{ user: SessionUser; token: string }> {
    const email = input.email.trim();
    const attempt = await this.throttle.begin(email, ip);

    const rows: CredentialRow[] = await this.db.query(
      `SELECT id, password_hash, active, totp_enabled, totp_secret, totp_last_step
         FROM users WHERE lower(email) = lower($1)`,
      [email],
    );
    const candidate = rows[0];
    const passwordOk = await verify(candidate?.password_hash ?? (await timingDummy()), input.password).catch(() => false);
    // A wrong password, unknown address or deactivated user stays counted as a failure.
    if (!candidate || !passwordOk || !candidate.active) throw invalidCredentials();

    if (candidate.totp_enabled) {
      if (input.code === undefined) {
        await this.throttle.withdraw(attempt);
        throw authProblem(AuthError.TotpRequired, {
          detail: 'Enter the six-digit code from your authenticator app.',
        });
      }
      const accepted = await this.acceptTotp(candidate.id, candidate.totp_secret, candidate.totp_last_step, input.code);
      if (!accepted) throw invalidCredentials();
    }

    await this.throttle.succeeded(attempt);
    const token = newSessionToken();
    const maxHours = this.config.sessionMaxHours;
    await this.db.query(
      `INSERT INTO sessions (token_hash, user_id, expires_at, ip, user_agent)
       VALUES ($1, $2, now() + make_interval(hours => $3), $4, $5)`,
      [this.tokenHash(token), candidate.id, maxHours, ip, userAgent?.slice(0, 500) ?? null],
    );
    const context = await this.authenticate(token);
    if (!context) throw new Error('A session just created could not be read back');
    return { user: context.user, token };
  }

  /**
   * Resolves a token to its session and user, or null when it is unknown, revoked, expired
   * (absolute or by inactivity) or its user is deactivated. Touches `last_seen_at` at most
   * once a minute so that a busy board does not write on every request.
   */
  async authenticate(token: string): Promise<AuthContext | null> {
    if (token.length < 20 || token.length > 200) return null;
    return this.authenticateByHash(this.tokenHash(token), token);
  }

  private async authenticateByHash(tokenHash: Buffer, token: string): Promise<AuthContext | null> {
    const rows: SessionRow[] = await this.db.query(
      `SELECT s.id AS session_id, extract(epoch FROM now() - s.last_seen_at)::float AS last_seen_age,
              u.id, u.name, u.email, u.roles, u.clearance, u.totp_enabled,
              a.code AS agency_code, a.name AS agency_name, a.type AS agency_type
         FROM sessions s
         JOIN users u ON u.id = s.user_id
         JOIN agencies a ON a.code = u.agency_code
        WHERE s.token_hash = $1
          AND s.revoked_at IS NULL
          AND s.expires_at > now()
          AND s.last_seen_at > now() - make_interval(mins => $2)
          AND u.active`,
      [tokenHash, this.config.sessionIdleMinutes],
    );
    const row = rows[0];
    if (!row) return null;
    if (row.last_seen_age > 60) {
      await this.db.query(`UPDATE sessions SET last_seen_at = now() WHERE id = $1`, [row.session_id]);
    }
    return { sessionId: row.session_id, token, user: this.toSessionUser(row) };
  }

  /** The session by id, if it is still valid (for sockets, which hold no token after the handshake). */
  async authenticateSession(sessionId: string): Promise<AuthContext | null> {
    const rows: { token_hash: Buffer }[] = await this.db.query(`SELECT token_hash FROM sessions WHERE id = $1`, [sessionId]);
    if (!rows[0]) return null;
    return this.authenticateByHash(rows[0].token_hash, '');
  }

  /** Of these session ids, the ones still valid (not revoked, not expired, user active). */
  async validSessions(sessionIds: string[]): Promise<Set<string>> {
    const rows: { id: string }[] = await this.db.query(
      `SELECT s.id FROM sessions s JOIN users u ON u.id = s.user_id
        WHERE s.id = ANY($1::uuid[]) AND s.revoked_at IS NULL AND s.expires_at > now()
          AND s.last_seen_at > now() - make_interval(mins => $2) AND u.active`,
      [sessionIds, this.config.sessionIdleMinutes],
    );
    return new Set(rows.map((row) => row.id));
  }

  async logout(sessionId: string): Promise<void> {
    await this.db.query(`UPDATE sessions SET revoked_at = now() WHERE id = $1 AND revoked_at IS NULL`, [sessionId]);
  }

  async me(userId: string): Promise<SessionUser> {
    const rows: SessionRow[] = await this.db.query(
      `SELECT NULL AS session_id, 0 AS last_seen_age, u.id, u.name, u.email, u.roles, u.clearance, u.totp_enabled,
              a.code AS agency_code, a.name AS agency_name, a.type AS agency_type
         FROM users u JOIN agencies a ON a.code = u.agency_code WHERE u.id = $1`,
      [userId],
    );
    const row = rows[0];
    if (!row) throw authProblem(AuthError.Unauthenticated, { detail: 'Sign in again.' });
    return this.toSessionUser(row);
  }

  /** Starts (or restarts) enrolment: a new secret, stored sealed, confirmed by a first code. */
  async beginTotpEnrolment(user: SessionUser): Promise<{ secret: string; otpauthUrl: string; qrCodeDataUrl: string }> {
    if (user.totpEnabled) {
      throw authProblem(AuthError.TotpAlreadyEnabled, {
        detail: 'Two-factor sign-in is already on; turn it off first to enrol a new device.',
      });
    }
    const secret = authenticator.generateSecret(20);
    await this.db.query(`UPDATE users SET totp_secret = $2, totp_last_step = NULL, updated_at = now() WHERE id = $1`, [
      user.id,
      sealSecret(this.runtime.sessionSecret, secret),
    ]);
    const otpauthUrl = authenticator.keyuri(user.email, 'Verkiezingstafel', secret);
    const qrCodeDataUrl = await toDataURL(otpauthUrl, { errorCorrectionLevel: 'M', margin: 2, width: 240 });
    return { secret, otpauthUrl, qrCodeDataUrl };
  }

  async confirmTotp(user: SessionUser, code: string): Promise<SessionUser> {
    const row = await this.totpState(user.id);
    if (row.totp_enabled) return this.me(user.id);
    if (row.totp_secret === null) {
      throw authProblem(AuthError.TotpNotStarted, { detail: 'Start enrolment first.' });
    }
    if (!(await this.acceptTotp(user.id, row.totp_secret, row.totp_last_step, code))) {
      throw validationProblem([{ field: 'code', code: 'incorrect', message: 'code is not correct' }]);
    }
    await this.db.query(`UPDATE users SET totp_enabled = true, updated_at = now() WHERE id = $1`, [user.id]);
    return this.me(user.id);
  }

  async disableTotp(user: SessionUser, code: string): Promise<SessionUser> {
    if (requiresTotp(user.roles, this.config.mfaRequiredRoles)) {
      throw authProblem(AuthError.TotpRequiredByRole, {
        detail: 'Your role requires two-factor sign-in; it cannot be turned off.',
      });
    }
    const row = await this.totpState(user.id);
    if (!row.totp_enabled) return this.me(user.id);
    if (!(await this.acceptTotp(user.id, row.totp_secret, row.totp_last_step, code))) {
      throw validationProblem([{ field: 'code', code: 'incorrect', message: 'code is not correct' }]);
    }
    await this.db.query(
      `UPDATE users SET totp_enabled = false, totp_secret = NULL, totp_last_step = NULL, updated_at = now() WHERE id = $1`,
      [user.id],
    );
    return this.me(user.id);
  }

  private async totpState(userId: string): Promise<Omit<CredentialRow, 'password_hash' | 'active'>> {
    const rows: CredentialRow[] = await this.db.query(
      `SELECT id, totp_enabled, totp_secret, totp_last_step FROM users WHERE id = $1`,
      [userId],
    );
    const row = rows[0];
    if (!row) throw authProblem(AuthError.Unauthenticated, { detail: 'Sign in again.' });
    return row;
  }

  /**
   * Checks a code against the sealed secret and remembers its time step, so that the same
   * code (or an older one) is never accepted twice, even by two replicas at once.
   */
  private async acceptTotp(userId: string, sealed: string | null, lastStep: string | null, code: string): Promise<boolean> {
    if (sealed === null) return false;
    const secret = openSecret(this.runtime.sessionSecret, sealed);
    const delta = authenticator.checkDelta(code, secret);
    if (delta === null) return false;
    const step = Math.floor(Date.now() / 30_000) + delta;
    if (lastStep !== null && step <= Number(lastStep)) return false;
    const updated: [unknown[], number] = await this.db.query(
      `UPDATE users SET totp_last_step = $2 WHERE id = $1 AND (totp_last_step IS NULL OR totp_last_step < $2)`,
      [userId, step],
    );
    return updated[1] === 1;
  }

  private tokenHash(token: string): Buffer {
    return hashSessionToken(this.runtime.sessionSecret, token);
  }

  private toSessionUser(row: SessionRow): SessionUser {
    return {
      id: row.id,
      name: row.name,
      email: row.email,
      agency: { code: row.agency_code, name: row.agency_name, type: row.agency_type },
      roles: row.roles,
      clearance: row.clearance,
      totpEnabled: row.totp_enabled,
      totpEnrolmentRequired: !row.totp_enabled && requiresTotp(row.roles, this.config.mfaRequiredRoles),
    };
  }
}
