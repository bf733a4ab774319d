/** A mail to queue: one address, plain text, and what it is about. */
export interface OutgoingMail {
  /** What kind of mail this is (`invitation`, `alert`, ...), for logs and counts. */
  kind: string;
  to: string;
  subject: string;
  text: string;
  /**
   * The record the mail belongs to (an invitation, an alert's recipient), so that its state
   * can be shown there (`MailService.deliveries`).
   */
  ref?: { type: string; id: string };
}

/** A mail as it leaves the hub: fixed when it was queued, the same on every attempt. */
export interface MailMessage {
  id: string;
  messageId: string;
  from: string;
  to: string;
  subject: string;
  text: string;
  /** When it was queued: the `Date` header, so every attempt sends the same message. */
  date: Date;
}

/** Where mail goes: an SMTP server, or `.eml` files in demo mode. */
export interface MailTransport {
  /** Human words for the start banner: where mail goes. */
  readonly description: string;
  /** Resolves with the server's answer once the mail is accepted; rejects otherwise. */
  send(message: MailMessage): Promise<{ response: string }>;
  close(): Promise<void>;
}

/** A refusal that trying again will not change (an SMTP 5xx answer, an unreadable body). */
export function isPermanentFailure(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { permanent?: unknown }).permanent === true;
}
