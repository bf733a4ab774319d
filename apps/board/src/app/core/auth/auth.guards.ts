import { inject } from '@angular/core';
import { type CanActivateChildFn, type CanActivateFn, Router } from '@angular/router';
import { type AppAction, type AppSubject, defineAbilityFor } from '@verkiezingstafel/domain';
import { AuthService } from './auth.service';
import { SECURITY_PATH, SIGN_IN_PATH } from './auth.models';

/**
 * Pages behind sign-in. While a role still requires enrolling TOTP, the security page is the
 * only page there is: every other URL leads back to it.
 */
export const signedInGuard: CanActivateFn & CanActivateChildFn = async (_route, state) => {
  const auth = inject(AuthService);
  const router = inject(Router);
  const user = await auth.ensureSession().catch(() => null);
  if (!user) return router.parseUrl(SIGN_IN_PATH);
  const path = state.url.split(/[?#]/)[0];
  if (user.totpEnrolmentRequired && path !== SECURITY_PATH) return router.parseUrl(SECURITY_PATH);
  return true;
};

/** The sign-in page is for visitors; a signed-in user goes on to the board. */
export const signedOutGuard: CanActivateFn = async () => {
  const auth = inject(AuthService);
  const router = inject(Router);
  const user = await auth.ensureSession().catch(() => null);
  return user ? router.parseUrl('/') : true;
};

/**
 * A page for those whose ability allows an action (the audit trail: `read` `Audit`). Asks the
 * same rules as the API; others go to the board, and the API would refuse them anyway.
 */
export function abilityGuard(action: AppAction, subject: Extract<AppSubject, string>): CanActivateFn {
  return async () => {
    const auth = inject(AuthService);
    const router = inject(Router);
    const user = await auth.ensureSession().catch(() => null);
    if (!user) return router.parseUrl(SIGN_IN_PATH);
    return defineAbilityFor(user).can(action, subject) ? true : router.parseUrl('/');
  };
}
