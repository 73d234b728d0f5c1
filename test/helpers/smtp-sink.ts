/**
 * A scriptable SMTP sink on smtp-server (127.0.0.1, port 0) for email tests: records every
 * connection, TLS session, AUTH, MAIL FROM, RCPT TO and message (parsed with mailparser),
 * and lets a test answer any step with a chosen reply code, or cut the connection right
 * after the final dot of DATA (the message arrived, the 250 never does). It also counts
 * TCP connections open at once (the peak), which a channel's concurrency must bound.
 */
import type { AddressInfo, Socket } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer, type SMTPServerOptions } from 'smtp-server';

export interface Received {
  readonly raw: Buffer;
  readonly parsed: ParsedMail;
  readonly from: string;
  readonly to: string[];
  readonly secure: boolean;
  /** When the final dot arrived (ms epoch). */
  readonly at: number;
  /** False when the sink cut the connection instead of answering (`onData` → 'reset'). */
  readonly answered: boolean;
}

export interface Reply {
  readonly code: number;
  readonly message: string;
}

export interface SinkOptions {
  /** Implicit TLS from the first byte. */
  readonly secure?: boolean;
  /** Offer STARTTLS (default true; ignored when secure). */
  readonly starttls?: boolean;
  readonly key?: Buffer;
  readonly cert?: Buffer;
  /** Require and verify a client certificate against this CA. */
  readonly clientCa?: Buffer;
  readonly minVersion?: 'TLSv1' | 'TLSv1.1' | 'TLSv1.2' | 'TLSv1.3';
  readonly maxVersion?: 'TLSv1' | 'TLSv1.1' | 'TLSv1.2' | 'TLSv1.3';
  /** OpenSSL cipher string; `DEFAULT@SECLEVEL=0` lets OpenSSL 3 speak TLS 1.0/1.1 at all. */
  readonly ciphers?: string;
  /** Require AUTH with these credentials. */
  readonly user?: { readonly name: string; readonly pass: string };
  readonly authMethods?: string[];
  readonly port?: number;
  readonly onConnect?: () => Reply | undefined;
  readonly onMailFrom?: (address: string) => Reply | undefined;
  readonly onRcpt?: (address: string) => Reply | undefined;
  /**
   * Called with the whole message after its final dot: a Reply rejects it (not recorded),
   * 'reset' records it and destroys the socket without a reply, undefined accepts it.
   */
  readonly onData?: (raw: Buffer) => Reply | 'reset' | undefined;
  /** Holds the reply to the final dot this long (the message is recorded at once). */
  readonly dataReplyDelayMs?: number;
}

export interface Sink {
  readonly port: number;
  readonly messages: Received[];
  readonly connections: number;
  readonly auths: { method: string; user: string }[];
  readonly mailFroms: string[];
  readonly rcpts: string[];
  /** DATA transactions started (whether accepted or not). */
  readonly dataCount: number;
  readonly tls: { protocol: string | null; clientCert?: string }[];
  /** TCP connections open right now, and the most ever open at once. */
  readonly open: number;
  readonly peakOpen: number;
  close(): Promise<void>;
}

function fail(r: Reply): Error {
  return Object.assign(new Error(r.message), { responseCode: r.code });
}

export async function startSink(o: SinkOptions = {}): Promise<Sink> {
  const state = {
    messages: [] as Received[],
    connections: 0,
    auths: [] as { method: string; user: string }[],
    mailFroms: [] as string[],
    rcpts: [] as string[],
    dataCount: 0,
    tls: [] as { protocol: string | null; clientCert?: string }[],
    open: 0,
    peakOpen: 0,
  };
  // By remote port (all clients are on loopback), so a DATA handler can cut its connection.
  const sockets = new Map<number, Socket>();
  const options: SMTPServerOptions = {
    secure: o.secure ?? false,
    logger: false,
    disableReverseLookup: true,
    ...(o.key ? { key: o.key, cert: o.cert } : {}),
    ...(o.clientCa ? { ca: o.clientCa, requestCert: true, rejectUnauthorized: true } : {}),
    ...(o.minVersion ? { minVersion: o.minVersion } : {}),
    ...(o.maxVersion ? { maxVersion: o.maxVersion } : {}),
    ...(o.ciphers ? { ciphers: o.ciphers } : {}),
    ...(o.starttls === false && !o.secure ? { disabledCommands: ['STARTTLS'], hideSTARTTLS: true } : {}),
    authOptional: !o.user,
    ...(o.authMethods ? { authMethods: o.authMethods } : {}),
    allowInsecureAuth: true,
    onConnect(_session, cb) {
      state.connections++;
      const r = o.onConnect?.();
      cb(r ? fail(r) : undefined);
    },
    onSecure(socket, _session, cb) {
      const s = socket as TLSSocket;
      const peer = s.getPeerCertificate?.();
      state.tls.push({ protocol: s.getProtocol?.() ?? null, ...(peer?.subject?.CN ? { clientCert: String(peer.subject.CN) } : {}) });
      cb();
    },
    onAuth(auth, _session, cb) {
      state.auths.push({ method: auth.method, user: auth.username ?? '' });
      if (o.user && auth.username === o.user.name && auth.password === o.user.pass) cb(null, { user: auth.username });
      else cb(fail({ code: 535, message: 'authentication failed' }));
    },
    onMailFrom(address, _session, cb) {
      state.mailFroms.push(address.address);
      const r = o.onMailFrom?.(address.address);
      cb(r ? fail(r) : undefined);
    },
    onRcptTo(address, _session, cb) {
      state.rcpts.push(address.address);
      const r = o.onRcpt?.(address.address);
      cb(r ? fail(r) : undefined);
    },
    onData(stream, session, cb) {
      state.dataCount++;
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const at = Date.now();
        const raw = Buffer.concat(chunks);
        const r = o.onData?.(raw);
        if (r && r !== 'reset') return cb(fail(r));
        simpleParser(raw).then((parsed) => {
          state.messages.push({
            raw,
            parsed,
            from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
            to: session.envelope.rcptTo.map((r) => r.address),
            secure: session.secure,
            at,
            answered: r !== 'reset',
          });
          // No reply at all: the client cannot know whether the message was taken (RFC 1047).
          if (r === 'reset') sockets.get(session.remotePort)?.destroy();
          else if (o.dataReplyDelayMs) setTimeout(() => cb(), o.dataReplyDelayMs);
          else cb();
        }, (err: Error) => cb(err));
      });
    },
  };
  const server = new SMTPServer(options);
  server.on('error', () => {});
  server.server.on('connection', (socket: Socket) => {
    const port = socket.remotePort ?? 0;
    sockets.set(port, socket);
    state.open++;
    state.peakOpen = Math.max(state.peakOpen, state.open);
    // Closed for counting once the client has said QUIT or finished its side (its FIN is read
    // at once; 'close' only comes in a later phase of this process's event loop). Counting
    // from QUIT on: on loopback the client's next connection can be accepted here before the
    // FIN of the one it just closed is read, an overlap of teardown, not of sessions.
    let counted = true;
    const uncount = () => {
      if (counted) state.open--;
      counted = false;
    };
    const gone = () => {
      uncount();
      if (sockets.get(port) === socket) sockets.delete(port);
    };
    socket.on('data', (chunk: Buffer) => {
      if (counted && /(^|\n)QUIT\r?\n/i.test(chunk.toString('latin1'))) uncount();
    });
    socket.once('end', gone);
    socket.once('close', gone);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.port ?? 0, '127.0.0.1', () => resolve());
  });
  const port = (server.server.address() as AddressInfo).port;
  return {
    port,
    ...state,
    get messages() { return state.messages; },
    get connections() { return state.connections; },
    get dataCount() { return state.dataCount; },
    get open() { return state.open; },
    get peakOpen() { return state.peakOpen; },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  } as Sink;
}

/** A port with nothing listening on it (bound once, then released). */
export async function closedPort(): Promise<number> {
  const { createServer } = await import('node:net');
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', () => r()));
  const port = (srv.address() as AddressInfo).port;
  await new Promise<void>((r) => srv.close(() => r()));
  return port;
}
