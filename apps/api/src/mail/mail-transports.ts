import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createTransport } from 'nodemailer';
import type { AppConfig } from '../config/app-config';
import type { MailMessage, MailTransport } from './mail.types';

/** Never wait on a silent server longer than this: the sending transaction holds the mail's lock. */
const SMTP_TIMEOUTS = { connectionTimeout: 30_000, greetingTimeout: 30_000, socketTimeout: 60_000 };

/** How many mails one instance sends at once (and SMTP connections it keeps open). */
export const MAIL_CONCURRENCY = 4;

function envelope(message: MailMessage) {
  return {
    messageId: message.messageId,
    date: message.date,
    from: message.from,
    to: message.to,
    subject: message.subject,
    text: message.text,
    headers: { 'Auto-Submitted': 'auto-generated' },
  };
}

/** The SMTP server of `SMTP_URL`, without its credentials, for the banner. */
export function describeSmtpUrl(smtpUrl: string): string {
  const url = new URL(smtpUrl);
  return `${url.protocol}//${url.host}`;
}

/** Mail to the SMTP server of `SMTP_URL` (`smtp://` with STARTTLS when offered, `smtps://` over TLS). */
export class SmtpTransport implements MailTransport {
  readonly description: string;
  private readonly transporter: ReturnType<typeof createTransport>;

  constructor(smtpUrl: string) {
    this.description = `SMTP server ${describeSmtpUrl(smtpUrl)}`;
    this.transporter = createTransport({ url: smtpUrl, pool: true, maxConnections: MAIL_CONCURRENCY, ...SMTP_TIMEOUTS });
  }

  async send(message: MailMessage): Promise<{ response: string }> {
    try {
      const info = await this.transporter.sendMail(envelope(message));
      return { response: String(info.response ?? '') };
    } catch (error) {
      // A 5xx answer (no such mailbox, refused) will not change by trying again; 4xx and a
      // server that cannot be reached will.
      const code = (error as { responseCode?: unknown }).responseCode;
      if (typeof code === 'number' && code >= 500 && code < 600) throw Object.assign(error as Error, { permanent: true });
      throw error;
    }
  }

  async close(): Promise<void> {
    this.transporter.close();
  }
}

/**
 * Demo mode without `SMTP_URL`: every mail becomes an `.eml` file (RFC 5322, opens in any mail
 * program). The name comes from the mail itself, and the file appears whole (written aside,
 * then renamed), so a repeated attempt replaces it rather than adding a second copy.
 */
export class FileTransport implements MailTransport {
  readonly description: string;
  private readonly composer = createTransport({ streamTransport: true, buffer: true, newline: 'windows' });

  constructor(readonly directory: string) {
    this.description = `.eml files in ${directory}`;
  }

  async send(message: MailMessage): Promise<{ response: string }> {
    const info = await this.composer.sendMail(envelope(message));
    // `buffer: true` makes the composed message a Buffer, never a stream.
    if (!Buffer.isBuffer(info.message)) throw new Error('the mail composer did not produce a buffer');
    mkdirSync(this.directory, { recursive: true });
    const name = `${message.date.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z')}-${message.id}.eml`;
    const target = join(this.directory, name);
    const aside = `${target}.part`;
    writeFileSync(aside, info.message, { mode: 0o600 });
    renameSync(aside, target);
    return { response: `written to ${target}` };
  }

  async close(): Promise<void> {
    this.composer.close();
  }
}

export function createMailTransport(config: AppConfig): MailTransport {
  return config.smtpUrl === null ? new FileTransport(join(config.dataDir, 'mail')) : new SmtpTransport(config.smtpUrl);
}
