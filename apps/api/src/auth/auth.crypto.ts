import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes } from 'node:crypto';

/** An opaque, unguessable session token (256 bits). */
export function newSessionToken(): string {
  return randomBytes(32).toString('base64url');
}

/** What is stored of a token: a keyed hash, so a leaked sessions table signs nobody in. */
export function hashSessionToken(secret: string, token: string): Buffer {
  return createHmac('sha256', secret).update(token).digest();
}

/** What a sealed value is for: each purpose has a key of its own, derived from SESSION_SECRET. */
export type SealPurpose = 'totp-secret-at-rest' | 'mail-body-at-rest';

function secretKey(secret: string, purpose: SealPurpose): Buffer {
  return Buffer.from(hkdfSync('sha256', secret, 'verkiezingstafel', purpose, 32));
}

/** Encrypts a TOTP secret (or another purpose's value) for storage (AES-256-GCM, key derived from SESSION_SECRET). */
export function sealSecret(secret: string, plaintext: string, purpose: SealPurpose = 'totp-secret-at-rest'): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', secretKey(secret, purpose), iv);
  const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return ['v1', iv.toString('base64url'), cipher.getAuthTag().toString('base64url'), body.toString('base64url')].join('.');
}

export function openSecret(secret: string, sealed: string, purpose: SealPurpose = 'totp-secret-at-rest'): string {
  const [version, iv, tag, body] = sealed.split('.');
  if (version !== 'v1' || !iv || !tag || body === undefined) throw new Error('Unreadable sealed secret');
  const decipher = createDecipheriv('aes-256-gcm', secretKey(secret, purpose), Buffer.from(iv, 'base64url'));
  decipher.setAuthTag(Buffer.from(tag, 'base64url'));
  return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString('utf8');
}
