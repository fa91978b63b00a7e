import { createHash } from 'node:crypto';
import { commonJsExports } from '../commonjs-import.js';
import { errorMessageOf } from '../job-error.js';
import { maskSecrets } from '../secret-masking.js';
import { backoffSeconds } from '../webhook/backoff.js';
import { realSleep, sleepUnlessAborted } from '../webhook/sleep.js';
import type { Sleep } from '../webhook/types.js';
import type { EmailReceiver } from './notification-config.js';
import type { DeliveryAttempt } from './receiver-delivery.js';

export interface EmailRequest {
  receiver: EmailReceiver;
  readEnv(name: string): string | undefined;
  subject: string;
  text: string;
  /** stable across retries: receivers and mail clients deduplicate on Message-ID */
  messageId: string;
  maxRetries: number;
  retryWaitSeconds: number;
  signal: AbortSignal;
  sleep?: Sleep;
}

const DEFAULT_PORTS = { starttls: 587, implicit: 465, none: 25 } as const;

interface SmtpSettings {
  host: string;
  port: number;
  auth?: { user: string; pass: string };
}

/** The SMTP server and credentials from the receiver's variables, or what is missing. */
function smtpSettings(request: EmailRequest): SmtpSettings | { problem: string } {
  const { smtp } = request.receiver;
  const host = request.readEnv(smtp.host_env);
  if (host === undefined)
    return { problem: `environment variable ${smtp.host_env} (smtp.host_env) is not set` };
  let port: number = DEFAULT_PORTS[smtp.tls.mode];
  if (smtp.port_env !== undefined) {
    const text = request.readEnv(smtp.port_env);
    if (text === undefined)
      return { problem: `environment variable ${smtp.port_env} (smtp.port_env) is not set` };
    port = Number(text);
    if (!/^[0-9]{1,5}$/.test(text) || port < 1 || port > 65535)
      return { problem: `environment variable ${smtp.port_env} (smtp.port_env) is not a port number` };
  }
  if ((smtp.username_env === undefined) !== (smtp.password_env === undefined))
    return { problem: 'smtp.username_env and smtp.password_env go together' };
  if (smtp.username_env === undefined || smtp.password_env === undefined) return { host, port };
  const user = request.readEnv(smtp.username_env);
  const pass = request.readEnv(smtp.password_env);
  if (user === undefined || pass === undefined) {
    const unset = user === undefined ? smtp.username_env : smtp.password_env;
    return { problem: `environment variable ${unset} (smtp credentials) is not set` };
  }
  return { host, port, auth: { user, pass } };
}

/** Whether an SMTP failure is worth another attempt: network trouble and 4xx replies are. */
function transient(error: unknown): boolean {
  const code = (error as { responseCode?: number }).responseCode;
  if (typeof code === 'number') return code >= 400 && code < 500;
  const kind = (error as { code?: string }).code;
  return kind !== 'EAUTH' && kind !== 'EENVELOPE' && kind !== 'EMESSAGE';
}

function messageIdHeader(messageId: string): string {
  return `<${createHash('sha256').update(messageId).digest('hex').slice(0, 32)}@obs-automation>`;
}

/**
 * Sends one e-mail through SMTP with nodemailer (loaded on first use: most runs send none),
 * retrying transient failures like the webhook client. Resolves with the outcome; rejects only
 * when the signal aborts.
 */
export async function sendEmail(request: EmailRequest): Promise<DeliveryAttempt> {
  const settings = smtpSettings(request);
  if ('problem' in settings) {
    return {
      ok: false,
      attempts: 0,
      statusCode: null,
      errorCode: 'invalid_receiver',
      errorMessage: settings.problem,
    };
  }
  const nodemailer = commonJsExports(await import('nodemailer'));
  const { smtp } = request.receiver;
  const transport = nodemailer.createTransport({
    host: settings.host,
    port: settings.port,
    secure: smtp.tls.mode === 'implicit',
    requireTLS: smtp.tls.mode === 'starttls',
    ignoreTLS: smtp.tls.mode === 'none',
    tls: {
      rejectUnauthorized: smtp.tls.reject_unauthorized,
      ...(smtp.tls.servername ? { servername: smtp.tls.servername } : {}),
    },
    ...(settings.auth ? { auth: settings.auth } : {}),
    connectionTimeout: smtp.timeout_seconds * 1000,
    greetingTimeout: smtp.timeout_seconds * 1000,
    socketTimeout: smtp.timeout_seconds * 1000,
  });
  const secrets = [settings.auth?.pass, settings.auth?.user].filter((value): value is string =>
    Boolean(value),
  );
  const sleep = request.sleep ?? realSleep;
  try {
    for (let attempt = 1; ; attempt++) {
      request.signal.throwIfAborted();
      try {
        const info = await transport.sendMail({
          from: request.receiver.from,
          to: request.receiver.to,
          subject: request.subject,
          text: request.text,
          messageId: messageIdHeader(request.messageId),
        });
        return { ok: true, attempts: attempt, statusCode: smtpCode(info.response) };
      } catch (error) {
        if (!transient(error) || attempt > request.maxRetries) {
          const code = (error as { responseCode?: number }).responseCode ?? null;
          return {
            ok: false,
            attempts: attempt,
            statusCode: code,
            errorCode: (error as { code?: string }).code === 'EAUTH' ? 'auth_failed' : 'email_failed',
            errorMessage: maskSecrets(
              `SMTP ${settings.host}:${settings.port} failed after ${attempt} attempt${attempt === 1 ? '' : 's'}: ${errorMessageOf(error)}`,
              secrets,
            ),
          };
        }
      }
      await sleepUnlessAborted(
        sleep,
        backoffSeconds(attempt, request.retryWaitSeconds) * 1000,
        request.signal,
      );
    }
  } finally {
    transport.close();
  }
}

function smtpCode(response: string | undefined): number | null {
  const code = Number.parseInt(response ?? '', 10);
  return Number.isFinite(code) ? code : null;
}
