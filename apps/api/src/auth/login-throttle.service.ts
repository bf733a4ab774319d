import { Inject, Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { AuthError, authProblem } from './auth.errors';

/**
 * Limits failed sign-ins per account and per IP over a sliding window. Counted in PostgreSQL
 * so that every API replica enforces the same limit.
 */
@Injectable()
export class LoginThrottleService {
  constructor(
    private readonly db: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /**
   * Starts a sign-in attempt: throws 429 with Retry-After when the account or the address has
   * failed too often, else records the attempt as a failure until {@link succeeded} says
   * otherwise. Check and record happen under locks on the account and the address, so
   * attempts sent all at once are counted one after another and cannot slip past the limit
   * while the first of them is still checking its password.
   */
  async begin(email: string, ip: string): Promise<string> {
    return this.db.transaction(async (tx) => {
      // Always the account first, then the address: one order, no deadlock.
      await tx.query(`SELECT pg_advisory_xact_lock(727100, hashtext(lower($1)))`, [email]);
      await tx.query(`SELECT pg_advisory_xact_lock(727101, hashtext($1))`, [ip]);
      await this.assertAllowed(tx, email, ip);
      const [{ id }]: { id: string }[] = await tx.query(
        `INSERT INTO login_attempts (email, ip, succeeded) VALUES ($1, $2, false) RETURNING id`,
        [email.slice(0, 320), ip],
      );
      return id;
    });
  }

  /** The attempt signed in: it no longer counts as a failure. */
  async succeeded(attempt: string): Promise<void> {
    await this.db.query(`UPDATE login_attempts SET succeeded = true WHERE id = $1`, [attempt]);
  }

  /** The attempt was neither right nor wrong (the second factor is still to come): it does not count. */
  async withdraw(attempt: string): Promise<void> {
    await this.db.query(`DELETE FROM login_attempts WHERE id = $1`, [attempt]);
  }

  private async assertAllowed(tx: Pick<EntityManager, 'query'>, email: string, ip: string): Promise<void> {
    const window = this.config.loginWindowSeconds;
    const rows: { scope: string; failures: number; retry_after: number }[] = await tx.query(
      `SELECT 'account' AS scope, count(*)::int AS failures,
              COALESCE(ceil(extract(epoch FROM (min(at) + make_interval(secs => $3)) - now())), 0)::int AS retry_after
         FROM (SELECT at FROM login_attempts
                WHERE lower(email) = lower($1) AND NOT succeeded AND at > now() - make_interval(secs => $3)
                ORDER BY at DESC LIMIT $4) a
       UNION ALL
       SELECT 'ip', count(*)::int,
              COALESCE(ceil(extract(epoch FROM (min(at) + make_interval(secs => $3)) - now())), 0)::int
         FROM (SELECT at FROM login_attempts
                WHERE ip = $2 AND NOT succeeded AND at > now() - make_interval(secs => $3)
                ORDER BY at DESC LIMIT $5) i`,
      [email, ip, window, this.config.loginMaxFailuresPerAccount, this.config.loginMaxFailuresPerIp],
    );
    const limits: Record<string, number> = {
      account: this.config.loginMaxFailuresPerAccount,
      ip: this.config.loginMaxFailuresPerIp,
    };
    for (const row of rows) {
      if (row.failures >= (limits[row.scope] ?? Infinity)) {
        const retryAfter = Math.max(1, row.retry_after);
        throw authProblem(AuthError.TooManyAttempts, {
          detail: `Too many failed sign-in attempts. Try again in ${retryAfter} seconds.`,
          retryAfter,
          headers: { 'Retry-After': String(retryAfter) },
        });
      }
    }
  }
}
