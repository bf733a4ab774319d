import type { SessionUser } from '@verkiezingstafel/domain';

export interface Credentials {
  email: string;
  password: string;
  /** The six-digit TOTP code, once the API asked for it. */
  code?: string;
}

/** What `POST /api/auth/login` answers; the token is for non-browser clients and is dropped. */
export interface LoginResponse extends SessionUser {
  token: string;
}

export interface TotpEnrolment {
  secret: string;
  otpauthUrl: string;
  /** A `data:image/png` URL of the QR code of `otpauthUrl`. */
  qrCodeDataUrl: string;
}

/** Why the sign-in page is shown, when there is something to say about it. */
export type SignInNotice = 'session_ended' | 'signed_out';

export const SIGN_IN_PATH = '/inloggen';
export const SECURITY_PATH = '/account/beveiliging';
