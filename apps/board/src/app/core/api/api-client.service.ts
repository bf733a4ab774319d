import { HttpClient, HttpContext, HttpContextToken } from '@angular/common/http';
import { Injectable, inject } from '@angular/core';
import { type Observable, firstValueFrom } from 'rxjs';
import { ApiError } from './api-error';

/**
 * Set on a request whose 401 is an expected answer (signing in, asking whether a session
 * exists, signing out) rather than a session that ended under the user's feet.
 */
export const EXPECTS_UNAUTHORIZED = new HttpContextToken<boolean>(() => false);

export interface RequestOptions {
  expectsUnauthorized?: boolean;
}

/**
 * The board's only way to the API: relative `/api/...` URLs (the API serves the board, so one
 * origin), the session cookie sent along, and every failure turned into an {@link ApiError}.
 * The session itself is an HttpOnly cookie: the board never sees or stores the token.
 */
@Injectable({ providedIn: 'root' })
export class ApiClient {
  private readonly http = inject(HttpClient);

  get<T>(path: string, options: RequestOptions = {}): Promise<T> {
    return this.send(this.http.get<T>(url(path), this.options(options)));
  }

  post<T>(path: string, body: object = {}, options: RequestOptions = {}): Promise<T> {
    return this.send(this.http.post<T>(url(path), body, this.options(options)));
  }

  patch<T>(path: string, body: object, options: RequestOptions = {}): Promise<T> {
    return this.send(this.http.patch<T>(url(path), body, this.options(options)));
  }

  private options(options: RequestOptions) {
    return {
      withCredentials: true,
      context: new HttpContext().set(EXPECTS_UNAUTHORIZED, options.expectsUnauthorized ?? false),
    };
  }

  private async send<T>(request: Observable<T>): Promise<T> {
    try {
      return await firstValueFrom(request);
    } catch (error) {
      throw ApiError.from(error);
    }
  }
}

function url(path: string): string {
  if (!path.startsWith('/')) throw new Error(`API paths start with a slash: ${path}`);
  return `/api${path}`;
}
