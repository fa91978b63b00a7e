// Real receivers on 127.0.0.1 for the soak: webhook servers (the weekly report, notifications)
// and an SMTP server, each recording every request and answering as the fault plan says.
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import {
  header,
  verifyWebhookSignatures,
} from '../../packages/automation-core/src/test-support/webhook-signatures.mjs';

// smtp-server is a development dependency of the core package (its e-mail tests use it).
const { SMTPServer } = createRequire(new URL('../../packages/automation-core/package.json', import.meta.url))(
  'smtp-server',
);

/** What a mode answers; `hang` never answers, `reset` drops the connection, `down` is closed. */
const ANSWERS = {
  ok: { status: 200, body: '{"ok":true}' },
  500: { status: 500, body: 'internal error' },
  429: { status: 429, headers: { 'retry-after': '1' }, body: 'slow down' },
  401: { status: 401, body: 'unauthorized' },
};

function listen(server, port) {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve((server.server ?? server).address().port);
    });
  });
}

function closeServer(server) {
  return new Promise((resolve) => {
    server.closeAllConnections?.();
    server.close(() => resolve());
  });
}

/**
 * Starts and stops a listener so that `down` refuses connections on the same port. `make`
 * builds a fresh server (a closed node server cannot listen again).
 */
class Listener {
  constructor(make) {
    this.make = make;
    this.server = null;
    this.port = 0;
  }

  async up() {
    if (this.server) return;
    this.server = this.make();
    this.port = await listen(this.server, this.port);
  }

  async down() {
    if (!this.server) return;
    const server = this.server;
    this.server = null;
    await closeServer(server);
  }
}

/** Starts the receiver's listener; `setMode('down')` closes its port, any other mode opens it again. */
async function serve(receiver, make) {
  const listener = new Listener(make);
  await listener.up();
  receiver.setMode = async (mode) => {
    receiver.mode = mode;
    if (mode === 'down') await listener.down();
    else await listener.up();
  };
  receiver.close = () => listener.down();
  return listener;
}

/** A webhook receiver: every request with the step it arrived in, its answer and signatures. */
export async function startWebhookReceiver({ name, path, secret }) {
  const receiver = { name, requests: [], mode: 'ok', step: 0, phase: 'chain' };
  const handle = (req, res) => {
    const chunks = [];
    req.on('data', (chunk) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const mode = receiver.mode;
      const answer = ANSWERS[mode];
      receiver.requests.push({
        step: receiver.step,
        phase: receiver.phase,
        path: req.url ?? '',
        webhookId: header(req.headers, 'webhook-id'),
        signatures: verifyWebhookSignatures(req.headers, body, secret),
        body,
        status: answer ? answer.status : mode,
      });
      if (mode === 'hang') return;
      if (mode === 'reset') {
        req.socket.destroy();
        return;
      }
      res.writeHead(answer.status, answer.headers);
      res.end(answer.body);
    });
  };
  const listener = await serve(receiver, () => createServer(handle));
  receiver.url = `http://127.0.0.1:${listener.port}${path}`;
  return receiver;
}

/** An SMTP receiver (smtp-server): every message with its Message-ID; 451 or down per the plan. */
export async function startSmtpReceiver() {
  const receiver = { name: 'smtp', requests: [], mode: 'ok', step: 0, phase: 'chain' };
  const make = () =>
    new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      logger: false,
      onData(stream, _session, callback) {
        let raw = '';
        stream.setEncoding('utf8');
        stream.on('data', (chunk) => {
          raw += chunk;
        });
        stream.on('end', () => {
          const refused = receiver.mode !== 'ok';
          const messageId = /^message-id:\s*(.+)$/im.exec(raw)?.[1]?.trim() ?? '';
          receiver.requests.push({
            step: receiver.step,
            phase: receiver.phase,
            messageId,
            subject: /^subject:\s*(.+)$/im.exec(raw)?.[1]?.trim() ?? '',
            status: refused ? 451 : 250,
          });
          if (refused) {
            const error = new Error('try again later');
            error.responseCode = 451;
            callback(error);
          } else callback();
        });
      },
    });
  // a webhook fault is a refused message here; `down` closes the port
  const listener = await serve(receiver, make);
  receiver.host = '127.0.0.1';
  receiver.port = listener.port;
  return receiver;
}
