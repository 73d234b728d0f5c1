/**
 * The `email` channel: SMTP servers with failover (and optional MX lookup), TLS policy,
 * ESMTP AUTH with secrets by reference, and the message (recipients, templates, charset).
 * Paths (CA, client certificate) are relative to the config file; they are read when the
 * channel is compiled, so a missing file is a config error, not a delivery error.
 */
import iconv from 'iconv-lite';
import { z } from 'zod';
import { duration, secretRef } from './common.js';

const port = z.number().int().min(1).max(65535);

/** `host`, `host:port` or `[v6]:port`. */
const HOST_PORT = /^(?:\[([0-9A-Fa-f:.]+)\]|([^\s:[\]]+))(?::(\d{1,5}))?$/;

export const smtpServer = z
  .union([
    z.string().min(1).meta({ description: 'host, host:port or [v6-address]:port; port 25 by default' }),
    z.strictObject({
      host: z.string().min(1),
      port: port.default(25).meta({ description: '465 means implicit TLS' }),
      implicit_tls: z.boolean().optional().meta({ description: 'TLS from the first byte; default: true on port 465' }),
    }),
  ])
  .transform((v, ctx) => {
    if (typeof v !== 'string') return { host: v.host, port: v.port, implicitTls: v.implicit_tls ?? v.port === 465 };
    const m = HOST_PORT.exec(v);
    const p = m?.[3] === undefined ? 25 : Number(m[3]);
    if (!m || p < 1 || p > 65535) {
      ctx.addIssue({ code: 'custom', message: `invalid server "${v}": use host, host:port or [v6-address]:port` });
      return z.NEVER;
    }
    return { host: m[1] ?? m[2]!, port: p, implicitTls: p === 465 };
  });

const clientCert = z.union([
  z.strictObject({
    cert_file: z.string().min(1).meta({ description: 'PEM certificate (chain)' }),
    key_file: z.string().min(1).meta({ description: 'PEM private key' }),
    passphrase: secretRef.optional(),
  }),
  z.strictObject({
    pfx_file: z.string().min(1).meta({ description: 'PKCS#12 file with certificate and key' }),
    passphrase: secretRef.optional(),
  }),
]);

export const AUTH_METHODS = ['PLAIN', 'LOGIN', 'XOAUTH2'] as const;

const auth = z
  .strictObject({
    user: z.string().min(1),
    pass: secretRef.optional().meta({ description: 'Password (PLAIN, LOGIN)' }),
    access_token: secretRef.optional().meta({ description: 'OAuth2 access token (XOAUTH2)' }),
    method: z.enum(AUTH_METHODS).optional().meta({ description: 'Default: the first of PLAIN, LOGIN the server offers' }),
  })
  .superRefine((a, ctx) => {
    if (a.method === 'XOAUTH2' && !a.access_token) ctx.addIssue({ code: 'custom', path: ['access_token'], message: 'XOAUTH2 needs access_token' });
    if (a.method !== 'XOAUTH2' && !a.pass) ctx.addIssue({ code: 'custom', path: ['pass'], message: `${a.method ?? 'PLAIN/LOGIN'} needs pass` });
  });

export const smtpSettings = z.strictObject({
  servers: z.array(smtpServer).default([]).meta({ description: 'Tried in order; a connection failure or 4xx moves to the next' }),
  mx: z.strictObject({ port: port.default(25) }).optional()
    .meta({ description: 'Also try the MX hosts of the recipient domain (after servers), by priority' }),
  tls: z.enum(['none', 'opportunistic', 'required']).default('opportunistic')
    .meta({ description: 'none: never; opportunistic: STARTTLS when offered, certificate not verified; required: STARTTLS or implicit TLS with a verified certificate, else nothing is sent' }),
  min_tls: z.enum(['1.0', '1.1', '1.2', '1.3']).optional().meta({ description: 'Lowest TLS version accepted; default 1.2' }),
  ca_file: z.string().min(1).optional().meta({ description: 'PEM CA bundle to verify servers with (instead of the system CAs)' }),
  servername: z.string().min(1).optional().meta({ description: 'Name the server certificate must carry (SNI); default: the host' }),
  client_cert: clientCert.optional().meta({ description: 'Client certificate: cert_file + key_file (PEM), or pfx_file (PKCS#12)' }),
  auth: auth.optional(),
  allow_insecure_auth: z.boolean().default(false)
    .meta({ description: 'Allow sending credentials over an unencrypted connection (never by default)' }),
  helo_name: z.string().regex(/^[A-Za-z0-9.-]+$/).optional().meta({ description: 'Name sent with EHLO; default: the host name' }),
  pool: z.boolean().default(true).meta({ description: 'Keep connections open and reuse them' }),
  max_messages: z.number().int().min(1).default(100).meta({ description: 'Messages per pooled connection before it is renewed' }),
  idle_timeout: duration.prefault('30s').meta({ description: 'Close a pooled connection unused this long' }),
  connection_timeout: duration.prefault('10s'),
  greeting_timeout: duration.prefault('10s'),
  socket_timeout: duration.prefault('60s').meta({ description: 'Inactivity allowed on an open connection' }),
}).superRefine((c, ctx) => {
  if (c.servers.length === 0 && !c.mx) ctx.addIssue({ code: 'custom', path: ['servers'], message: 'give at least one server, or mx' });
  if (c.tls === 'none' && c.servers.some((s) => s.implicitTls)) {
    ctx.addIssue({ code: 'custom', path: ['tls'], message: 'tls: none contradicts a server with implicit TLS (port 465)' });
  }
});

const messageTemplates = z.strictObject({
  subject: z.string().optional(),
  body: z.string().optional(),
  html: z.string().optional(),
});

export const TRANSFER_ENCODINGS = ['quoted-printable', 'base64'] as const;

export function emailChannelFields<T extends z.core.$ZodShape>(delivery: T) {
  return z.strictObject({
      type: z.literal('email'),
      smtp: smtpSettings,
      from: z.string().min(1).optional().meta({ description: 'Sender address; default: the first recipient (check warns)' }),
      to: z.union([z.string().min(1), z.array(z.string().min(1)).min(1)])
        .transform((v) => (Array.isArray(v) ? v : [v]))
        .meta({ description: 'Recipients: a list, or one ";"-separated string; %Keyword% takes addresses from event fields' }),
      subject: z.string().optional().meta({ description: 'Subject template; default per category' }),
      body: z.string().optional().meta({ description: 'Plain-text body template; default per category' }),
      html: z.string().optional().meta({ description: 'Optional HTML body template (values are HTML-escaped)' }),
      by_category: z.record(z.string(), messageTemplates).default({}).meta({ description: 'subject/body/html per category' }),
      charset: z.string().default('utf-8')
        .refine((c) => iconv.encodingExists(c), { message: 'unknown charset; e.g. utf-8, iso-8859-1, windows-1252' })
        .meta({ description: 'Body charset: utf-8, iso-8859-1, windows-1252, ...' }),
      transfer_encoding: z.enum(TRANSFER_ENCODINGS).default('quoted-printable'),
      message_id_domain: z.string().regex(/^[A-Za-z0-9.-]+$/).optional()
        .meta({ description: 'Right side of the Message-ID; default: the sender domain' }),
      attach_events: z.boolean().default(true).meta({ description: 'Digests carry their events as an attached text file' }),
      sms: z.strictObject({
        template: z.string().default('%Severity% %Category% %ComputerName%: %Title%'),
        max_length: z.number().int().min(1).default(160),
        subject: z.string().default(''),
      }).optional().meta({ description: 'Email-to-SMS profile: one short text line cut to max_length' }),
      timeout: duration.prefault('60s').meta({ description: 'Bound for one delivery attempt, all servers included' }),
      ...delivery,
    });
}
