import { type HttpErrorResponse, type HttpInterceptorFn } from '@angular/common/http';
import { inject } from '@angular/core';
import { catchError, throwError } from 'rxjs';
import { AuthService } from '../auth/auth.service';
import { EXPECTS_UNAUTHORIZED } from './api-client.service';

/**
 * Every `/api` call carries the session cookie; a 401 that was not expected means the session
 * ended (expired, revoked, signed out in another tab) and clears the board; a 403
 * `totp_enrolment_required` sends the user to enrol first.
 */
export const apiInterceptor: HttpInterceptorFn = (request, next) => {
  if (!request.url.startsWith('/api/')) return next(request);
  const auth = inject(AuthService);
  return next(request.clone({ withCredentials: true })).pipe(
    catchError((error: HttpErrorResponse) => {
      if (error.status === 401 && !request.context.get(EXPECTS_UNAUTHORIZED)) {
        void auth.sessionEnded();
      } else if (error.status === 403 && problemCode(error) === 'totp_enrolment_required') {
        void auth.enrolmentRequiredByServer();
      }
      return throwError(() => error);
    }),
  );
};

function problemCode(error: HttpErrorResponse): string | undefined {
  const body: unknown = error.error;
  if (typeof body === 'object' && body !== null && 'code' in body && typeof body.code === 'string') return body.code;
  return undefined;
}
