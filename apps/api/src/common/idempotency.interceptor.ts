import { type CallHandler, type ExecutionContext, Injectable, type NestInterceptor } from '@nestjs/common';
import { HTTP_CODE_METADATA } from '@nestjs/common/constants';
import { Reflector } from '@nestjs/core';
import type { FastifyReply } from 'fastify';
import { createHash } from 'node:crypto';
import { from, type Observable, of, switchMap } from 'rxjs';
import { catchError, concatMap } from 'rxjs/operators';
import { DataSource } from 'typeorm';
import type { AuthenticatedRequest } from '../auth/auth.context';
import { ApiError, apiProblem, validationProblem } from './api.errors';
import { unreadableJsonErrors } from './validation';

/** A key still in flight after this long belongs to a request that died; it may be taken over. */
const ABANDONED_AFTER_SECONDS = 60;

function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    return `{${Object.keys(value)
      .sort()
      .map((key) => `${JSON.stringify(key)}:${canonical((value as Record<string, unknown>)[key])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/**
 * A key this request holds. The unit of work records the response in the same transaction as
 * the change it answers (`stored` then turns true), so a change never commits without its
 * answer, and a retry can never make a second one.
 */
export interface IdempotencyClaim {
  userId: string;
  key: string;
  status: number;
  stored: boolean;
}

/** Records the answer of a claimed key (inside the caller's transaction, or on its own). */
export async function storeIdempotentResponse(
  db: Pick<DataSource, 'query'>,
  claim: IdempotencyClaim,
  body: unknown,
): Promise<void> {
  await db.query(
    `UPDATE idempotency_keys SET state = 'done', response_status = $3, response_body = $4::jsonb
      WHERE user_id = $1 AND key = $2 AND state = 'in_flight'`,
    [claim.userId, claim.key, claim.status, JSON.stringify(body ?? null)],
  );
}

interface KeyRow {
  request_hash: string;
  state: 'in_flight' | 'done';
  response_status: number | null;
  response_body: unknown;
  abandoned: boolean;
}

/**
 * `Idempotency-Key` on POST (IETF httpapi-idempotency-key-header): the first request with a key
 * runs; a retry gets the stored response instead of a duplicate; the same key with another
 * body is 422; a key still in flight is 409. Keys are scoped per user.
 */
@Injectable()
export class IdempotencyInterceptor implements NestInterceptor {
  constructor(
    private readonly db: DataSource,
    private readonly reflector: Reflector,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() !== 'http') return next.handle();
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const response = context.switchToHttp().getResponse<FastifyReply>();
    const key = request.headers['idempotency-key'];
    if (request.method !== 'POST' || key === undefined || !request.auth) return next.handle();
    if (typeof key !== 'string' || !/^[\x21-\x7e]{1,255}$/.test(key)) {
      throw validationProblem([{ field: 'Idempotency-Key', code: 'invalid_format', message: 'must be 1 to 255 visible ASCII characters' }]);
    }
    // The body is hashed before the validation pipe sees it: refuse first what hashing cannot take.
    const unreadable = unreadableJsonErrors(request.body ?? null);
    if (unreadable.length > 0) throw validationProblem(unreadable);
    const userId = request.auth.user.id;
    const path = request.url.split('?')[0] ?? request.url;
    const hash = createHash('sha256')
      .update(`${request.method} ${path}\n${canonical(request.body ?? null)}`)
      .digest('hex');
    const status = this.reflector.get<number | undefined>(HTTP_CODE_METADATA, context.getHandler()) ?? 201;

    return from(this.claim(userId, key, request.method, path, hash)).pipe(
      switchMap((stored) => {
        if (stored) {
          response.header('Idempotent-Replayed', 'true');
          return of(stored.body);
        }
        const claim: IdempotencyClaim = { userId, key, status, stored: false };
        request.idempotency = claim;
        return next.handle().pipe(
          // A change that ran in a unit of work stored its answer with it; others store it now.
          concatMap((body: unknown) => (claim.stored ? of(body) : from(storeIdempotentResponse(this.db, claim, body)).pipe(switchMap(() => of(body))))),
          catchError((error: unknown) =>
            from(this.db.query(`DELETE FROM idempotency_keys WHERE user_id = $1 AND key = $2 AND state = 'in_flight'`, [userId, key])).pipe(
              switchMap(() => {
                throw error;
              }),
            ),
          ),
        );
      }),
    );
  }

  /** Claims the key for this request, or returns the stored response of an earlier one. */
  private async claim(userId: string, key: string, method: string, path: string, hash: string): Promise<{ body: unknown } | null> {
    const inserted: unknown[] = await this.db.query(
      `INSERT INTO idempotency_keys (user_id, key, method, path, request_hash, state)
       VALUES ($1, $2, $3, $4, $5, 'in_flight') ON CONFLICT DO NOTHING RETURNING key`,
      [userId, key, method, path, hash],
    );
    if (inserted.length === 1) return null;
    const [row]: KeyRow[] = await this.db.query(
      `SELECT request_hash, state, response_status, response_body,
              created_at < now() - make_interval(secs => $3) AS abandoned
         FROM idempotency_keys WHERE user_id = $1 AND key = $2`,
      [userId, key, ABANDONED_AFTER_SECONDS],
    );
    if (!row) return this.claim(userId, key, method, path, hash);
    if (row.request_hash !== hash) {
      throw apiProblem(ApiError.IdempotencyKeyReused, {
        detail: 'This Idempotency-Key was used for a different request.',
        errors: [{ field: 'Idempotency-Key', code: 'conflict', message: 'already used with another body or path' }],
      });
    }
    if (row.state === 'done') return { body: row.response_body };
    if (row.abandoned) {
      const [, taken]: [unknown, number] = await this.db.query(
        `UPDATE idempotency_keys SET created_at = now() WHERE user_id = $1 AND key = $2 AND state = 'in_flight'
            AND created_at < now() - make_interval(secs => $3)`,
        [userId, key, ABANDONED_AFTER_SECONDS],
      );
      if (taken === 1) return null;
    }
    throw apiProblem(ApiError.IdempotencyKeyInFlight, {
      detail: 'A request with this Idempotency-Key is still being processed; retry shortly.',
      headers: { 'Retry-After': '1' },
    });
  }
}
