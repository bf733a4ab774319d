import { hashSessionToken, newSessionToken, openSecret, sealSecret } from './auth.crypto';

const secret = 's'.repeat(40);

describe('session tokens and sealed secrets', () => {
  it('makes a different token every time and stores only a keyed hash of it', () => {
    const a = newSessionToken();
    const b = newSessionToken();
    expect(a).not.toBe(b);
    expect(a.length).toBeGreaterThanOrEqual(43);
    expect(hashSessionToken(secret, a).equals(hashSessionToken(secret, a))).toBe(true);
    expect(hashSessionToken('t'.repeat(40), a).equals(hashSessionToken(secret, a))).toBe(false);
  });

  it('round-trips a sealed TOTP secret and refuses a tampered one', () => {
    const sealed = sealSecret(secret, 'JBSWY3DPEHPK3PXP');
    expect(sealed).not.toContain('JBSWY3DPEHPK3PXP');
    expect(openSecret(secret, sealed)).toBe('JBSWY3DPEHPK3PXP');
    const parts = sealed.split('.');
    parts[3] = Buffer.from('AAAAAAAAAAAAAAAA').toString('base64url');
    expect(() => openSecret(secret, parts.join('.'))).toThrow();
    expect(() => openSecret('u'.repeat(40), sealed)).toThrow();
  });
});
