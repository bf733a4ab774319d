import { Injectable, computed, inject, signal } from '@angular/core';
import { Router } from '@angular/router';
import type { SessionUser } from '@verkiezingstafel/domain';
import { ApiClient } from '../api/api-client.service';
import { ApiError } from '../api/api-error';
import { ClientStateService } from '../state/client-state.service';
import {
  type Credentials,
  type LoginResponse,
  SECURITY_PATH,
  SIGN_IN_PATH,
  type SignInNotice,
  type TotpEnrolment,
} from './auth.models';

/**
 * Who is signed in, as a signal. The session is an HttpOnly cookie the board cannot read, so
 * the API is the only source of truth: `GET /api/auth/me` once on start, the login answer
 * after signing in, and a 401 on any call means the session is gone.
 */
@Injectable({ providedIn: 'root' })
export class AuthService {
  private readonly api = inject(ApiClient);
  private readonly router = inject(Router);
  private readonly clientState = inject(ClientStateService);

  private readonly currentUser = signal<SessionUser | null>(null);
  private readonly currentNotice = signal<SignInNotice | null>(null);
  private session: Promise<SessionUser | null> | null = null;

  readonly user = this.currentUser.asReadonly();
  readonly signedIn = computed(() => this.currentUser() !== null);
  readonly enrolmentRequired = computed(() => this.currentUser()?.totpEnrolmentRequired === true);
  /** A message for the sign-in page: the session ended, or the user signed out. */
  readonly notice = this.currentNotice.asReadonly();

  constructor() {
    this.clientState.register(() => {
      this.currentUser.set(null);
      this.session = null;
    });
  }

  /** The signed-in user, asking the API once per page load (and again after a reset). */
  ensureSession(): Promise<SessionUser | null> {
    this.session ??= this.api.get<SessionUser>('/auth/me', { expectsUnauthorized: true }).then(
      (user) => {
        this.currentUser.set(user);
        return user;
      },
      (error: unknown) => {
        this.session = null;
        if (ApiError.from(error).status === 401) return null;
        throw error;
      },
    );
    return this.session;
  }

  /** Throws {@link ApiError}: `totp_required`, `invalid_credentials`, `too_many_attempts`, 400. */
  async signIn(credentials: Credentials): Promise<SessionUser> {
    const body: Credentials = { email: credentials.email, password: credentials.password };
    if (credentials.code) body.code = credentials.code;
    const { token: _token, ...user } = await this.api.post<LoginResponse>('/auth/login', body, {
      expectsUnauthorized: true,
    });
    this.acceptUser(user);
    this.currentNotice.set(null);
    return user;
  }

  async signOut(): Promise<void> {
    try {
      await this.api.post<void>('/auth/logout', {}, { expectsUnauthorized: true });
    } catch {
      // Signed out locally regardless: an expired session or a network failure must not
      // keep the previous user's state on this screen.
    }
    await this.leave('signed_out');
  }

  /** A call answered 401 while signed in: the session expired or was revoked elsewhere. */
  async sessionEnded(): Promise<void> {
    if (!this.signedIn()) return;
    await this.leave('session_ended');
  }

  /** A call answered 403 `totp_enrolment_required`: back to the security page. */
  async enrolmentRequiredByServer(): Promise<void> {
    const user = this.currentUser();
    if (user && !user.totpEnrolmentRequired) this.acceptUser({ ...user, totpEnrolmentRequired: true });
    await this.router.navigateByUrl(SECURITY_PATH);
  }

  clearNotice(): void {
    this.currentNotice.set(null);
  }

  beginTotpEnrolment(): Promise<TotpEnrolment> {
    return this.api.post<TotpEnrolment>('/auth/totp/enrol', {});
  }

  async confirmTotp(code: string): Promise<SessionUser> {
    return this.acceptUser(await this.api.post<SessionUser>('/auth/totp/confirm', { code }));
  }

  async disableTotp(code: string): Promise<SessionUser> {
    return this.acceptUser(await this.api.post<SessionUser>('/auth/totp/disable', { code }));
  }

  private acceptUser(user: SessionUser): SessionUser {
    this.currentUser.set(user);
    this.session = Promise.resolve(user);
    return user;
  }

  private async leave(notice: SignInNotice): Promise<void> {
    this.clientState.resetAll();
    // A known answer, so the guard of the sign-in page does not ask the API again.
    this.session = Promise.resolve(null);
    this.currentNotice.set(notice);
    await this.router.navigateByUrl(SIGN_IN_PATH);
  }
}
