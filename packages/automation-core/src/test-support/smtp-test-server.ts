import type { AddressInfo } from 'node:net';
import { SMTPServer, type SMTPServerOptions } from 'smtp-server';

/**
 * A real SMTP server on 127.0.0.1 for e-mail tests (the `smtp-server` package): it records every
 * message with its envelope, can require a login, and can refuse the next messages.
 */

export interface ReceivedMail {
  from: string;
  to: string[];
  /** the raw message as received (headers and body) */
  raw: string;
  subject: string;
  messageId: string;
  body: string;
}

export interface SmtpTestServer {
  host: string;
  port: number;
  messages: ReceivedMail[];
  /** answers the next `count` messages with a temporary failure (451) */
  refuseNext(count: number): void;
  close(): Promise<void>;
}

export interface SmtpTestServerOptions {
  /** require AUTH with these credentials */
  login?: { user: string; pass: string };
  /** offer STARTTLS (with smtp-server's own self-signed certificate) and require it */
  starttls?: boolean;
}

/** Decodes RFC 2047 encoded words (`=?UTF-8?Q?…?=`, `=?UTF-8?B?…?=`), as mail clients show them. */
function decodeWords(value: string): string {
  return value
    .replace(/\?=\s+=\?/g, '?==?')
    .replace(/=\?[^?]+\?([QqBb])\?([^?]*)\?=/g, (_, encoding: string, text: string) =>
      encoding.toUpperCase() === 'B'
        ? Buffer.from(text, 'base64').toString('utf8')
        : Buffer.from(
            text
              .replace(/_/g, ' ')
              .replace(/=([0-9A-Fa-f]{2})/g, (_hex, code: string) =>
                String.fromCharCode(Number.parseInt(code, 16)),
              ),
            'latin1',
          ).toString('utf8'),
    );
}

function headerOf(raw: string, name: string): string {
  const head = raw.split(/\r?\n\r?\n/)[0] ?? '';
  const unfolded = head.replace(/\r?\n[ \t]+/g, ' ');
  const line = unfolded
    .split(/\r?\n/)
    .find((entry) => entry.toLowerCase().startsWith(`${name.toLowerCase()}:`));
  return line ? decodeWords(line.slice(name.length + 1).trim()) : '';
}

export async function startSmtpTestServer(options: SmtpTestServerOptions = {}): Promise<SmtpTestServer> {
  const messages: ReceivedMail[] = [];
  let refusals = 0;
  const settings: SMTPServerOptions = {
    disabledCommands: [...(options.starttls ? [] : ['STARTTLS']), ...(options.login ? [] : ['AUTH'])],
    authOptional: !options.login,
    allowInsecureAuth: !options.starttls,
    logger: false,
    onAuth(auth, _session, callback) {
      if (auth.username === options.login?.user && auth.password === options.login?.pass)
        callback(null, { user: auth.username });
      else callback(new Error('invalid credentials'));
    },
    onMailFrom(_address, session, callback) {
      if (options.starttls && !session.secure) callback(new Error('STARTTLS required'));
      else callback();
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        if (refusals > 0) {
          refusals -= 1;
          const error = new Error('try again later') as Error & { responseCode: number };
          error.responseCode = 451;
          callback(error);
          return;
        }
        const raw = Buffer.concat(chunks).toString('utf8');
        const envelope = session.envelope;
        messages.push({
          from: envelope.mailFrom ? envelope.mailFrom.address : '',
          to: envelope.rcptTo.map((rcpt) => rcpt.address),
          raw,
          subject: headerOf(raw, 'Subject'),
          messageId: headerOf(raw, 'Message-ID'),
          body: raw
            .split(/\r?\n\r?\n/)
            .slice(1)
            .join('\n\n'),
        });
        callback();
      });
    },
  };
  const server = new SMTPServer(settings);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.server.address() as AddressInfo;
  return {
    host: '127.0.0.1',
    port,
    messages,
    refuseNext(count) {
      refusals = count;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
