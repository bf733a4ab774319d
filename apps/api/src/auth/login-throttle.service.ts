import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { ProblemException } from '../common/problem.exception';

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

  /** Throws 429 with Retry-After when the account or the address has failed too often. */
  async assertAllowed(email: string, ip: string): Promise<void> {
    const window = this.config.loginWindowSeconds;
    const rows: { scope: string; failures: number; retry_after: number }[] = await this.db.query(
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
        throw new ProblemException(429, {
          code: 'too_many_attempts',
          detail: `Too many failed sign-in attempts. Try again in ${retryAfter} seconds.`,
          retryAfter,
          headers: { 'Retry-After': String(retryAfter) },
        });
      }
    }
  }

  async record(email: string, ip: string, succeeded: boolean): Promise<void> {
    await this.db.query(`INSERT INTO login_attempts (email, ip, succeeded) VALUES ($1, $2, $3)`, [
      email.slice(0, 320),
      ip,
      succeeded,
    ]);
  }
}
