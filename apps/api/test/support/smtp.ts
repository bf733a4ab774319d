import type { AddressInfo } from 'node:net';
import { simpleParser } from 'mailparser';
import { SMTPServer, type SMTPServerDataStream } from 'smtp-server';

/** One message as the SMTP server received it. */
export interface ReceivedMail {
  to: string[];
  from: string;
  raw: string;
  /** Header values by lower-case name (the first of each). */
  headers: Record<string, string>;
  /** The text body, with quoted-printable soft breaks and escapes undone. */
  text: string;
}

/** Parses a message as a mail program would (mailparser): headers by lower-case name, the text body. */
export async function parseMail(raw: Buffer, envelope: { to: string[]; from: string }): Promise<ReceivedMail> {
  const parsed = await simpleParser(raw);
  const headers: Record<string, string> = {};
  for (const line of parsed.headerLines) headers[line.key] = line.line.slice(line.line.indexOf(':') + 1).trim();
  return { ...envelope, raw: raw.toString('utf8'), headers, text: parsed.text ?? '' };
}

/** What the server answers to the next deliveries: accept, or refuse with an SMTP reply. */
export type Verdict = 'accept' | { code: number; message: string };

/**
 * A real SMTP server (`smtp-server`) on a free loopback port, keeping what it accepts. `refuse`
 * makes it answer the next deliveries with an error, as a mail server under strain does.
 */
export class TestSmtpServer {
  readonly received: ReceivedMail[] = [];
  /** Deliveries tried (accepted or refused), in order. */
  attempts = 0;
  /** How long the server takes to answer a delivery, as a busy server does. */
  delayMs = 0;
  private verdicts: Verdict[] = [];
  private readonly server: SMTPServer;

  private constructor(readonly port: number, server: SMTPServer) {
    this.server = server;
  }

  static async start(): Promise<TestSmtpServer> {
    let self: TestSmtpServer | null = null;
    const server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS', 'AUTH'],
      logger: false,
      onData(stream: SMTPServerDataStream, session, callback) {
        const chunks: Buffer[] = [];
        stream.on('data', (chunk: Buffer) => chunks.push(chunk));
        stream.on('end', () => setTimeout(finish, self!.delayMs));
        const finish = () => {
          const owner = self!;
          owner.attempts++;
          const verdict = owner.verdicts.shift() ?? 'accept';
          if (verdict !== 'accept') {
            callback(Object.assign(new Error(verdict.message), { responseCode: verdict.code }));
            return;
          }
          const envelope = {
            to: session.envelope.rcptTo.map((address) => address.address),
            from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          };
          // Accepted once parsed, so that what the sender was told is in `received`.
          parseMail(Buffer.concat(chunks), envelope).then(
            (mail) => {
              owner.received.push(mail);
              callback();
            },
            (error: Error) => callback(error),
          );
        };
      },
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    const port = (server.server.address() as AddressInfo).port;
    self = new TestSmtpServer(port, server);
    return self;
  }

  get url(): string {
    return `smtp://127.0.0.1:${this.port}`;
  }

  /** The next `count` deliveries are answered with `code message` (e.g. 451 for "try again later"). */
  refuse(count: number, code = 451, message = 'Try again later'): void {
    for (let i = 0; i < count; i++) this.verdicts.push({ code, message });
  }

  to(address: string): ReceivedMail[] {
    return this.received.filter((mail) => mail.to.includes(address));
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}
