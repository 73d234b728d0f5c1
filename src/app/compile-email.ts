/**
 * Compile-time checks of `email` channels that need more than the schema: template paths,
 * static recipients and sender, per-category keys, and the TLS files (read and loaded into a
 * TLS context once, so a wrong path or passphrase is a config error with a position, not a
 * failed delivery hours later). A missing `from` is a warning: the first recipient is used.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { createSecureContext } from 'node:tls';
import type { EmailChannelConfig } from '../config/schema/channels.js';
import type { ConfigPath } from '../config/source-map.js';
import type { Template } from '../core/template.js';
import { parseSender, partitionRecipients } from '../outputs/email/recipients.js';

export interface EmailProblem {
  readonly path: ConfigPath;
  readonly message: string;
}

/** Template-bearing keys of an email channel, with their config paths. */
export function emailTemplateTexts(c: EmailChannelConfig): [ConfigPath, string][] {
  const out: [ConfigPath, string][] = c.to.map((t, i): [ConfigPath, string] => [['to', i], t]);
  for (const key of ['subject', 'body', 'html'] as const) {
    const v = c[key];
    if (v !== undefined) out.push([[key], v]);
  }
  for (const [cat, t] of Object.entries(c.by_category)) {
    for (const key of ['subject', 'body', 'html'] as const) {
      const v = t[key];
      if (v !== undefined) out.push([['by_category', cat, key], v]);
    }
  }
  if (c.sms) out.push([['sms', 'template'], c.sms.template], [['sms', 'subject'], c.sms.subject]);
  return out;
}

/** The first recipient written literally in the config (no %Keyword%), if any. */
export function firstStaticRecipient(c: EmailChannelConfig, templates: ReadonlyMap<string, Template>): string | undefined {
  for (let i = 0; i < c.to.length; i++) {
    const t = templates.get(`to.${i}`);
    if (t && t.keywords.length === 0) {
      const first = partitionRecipients([t.render({})]).valid[0];
      if (first) return first;
    }
  }
  return undefined;
}

function readFile(dir: string, file: string, path: ConfigPath, problems: EmailProblem[], files: Map<string, Buffer>, key: string): Buffer | undefined {
  try {
    const data = readFileSync(resolve(dir, file));
    files.set(key, data);
    return data;
  } catch (err) {
    problems.push({ path, message: `cannot read ${resolve(dir, file)}: ${(err as NodeJS.ErrnoException).code ?? String(err)}` });
    return undefined;
  }
}

/** Checks one email channel; returns problems, warnings and the TLS files it read. */
export function checkEmailChannel(
  c: EmailChannelConfig,
  templates: ReadonlyMap<string, Template>,
  ctx: { readonly dir: string; readonly categories: ReadonlySet<string> },
): { problems: EmailProblem[]; warnings: EmailProblem[]; files: Map<string, Buffer> } {
  const problems: EmailProblem[] = [];
  const warnings: EmailProblem[] = [];
  const files = new Map<string, Buffer>();

  c.to.forEach((_, i) => {
    const t = templates.get(`to.${i}`);
    if (!t || t.keywords.length > 0) return;
    const { valid, invalid } = partitionRecipients([t.render({})]);
    if (invalid.length) problems.push({ path: ['to', i], message: `invalid address(es): ${invalid.join(', ')}` });
    else if (valid.length === 0) problems.push({ path: ['to', i], message: 'no address' });
  });
  if (c.from !== undefined) {
    if (!parseSender(c.from)) problems.push({ path: ['from'], message: `invalid sender "${c.from}": use addr@domain or "Name <addr@domain>"` });
  } else {
    const first = firstStaticRecipient(c, templates);
    if (first) warnings.push({ path: ['to'], message: `no from: the first recipient ${first} is used as sender` });
    else problems.push({ path: ['to'], message: 'from is required when no recipient is written literally' });
  }
  for (const cat of Object.keys(c.by_category)) {
    if (!ctx.categories.has(cat)) problems.push({ path: ['by_category', cat], message: `unknown category "${cat}"` });
  }

  const s = c.smtp;
  if (s.ca_file) {
    const ca = readFile(ctx.dir, s.ca_file, ['smtp', 'ca_file'], problems, files, 'ca');
    if (ca) tryContext({ ca }, ['smtp', 'ca_file'], problems);
  }
  const cc = s.client_cert;
  if (cc) {
    const passphrase = cc.passphrase?.secret.reveal();
    if ('pfx_file' in cc) {
      const pfx = readFile(ctx.dir, cc.pfx_file, ['smtp', 'client_cert', 'pfx_file'], problems, files, 'pfx');
      if (pfx) tryContext({ pfx, ...(passphrase !== undefined ? { passphrase } : {}) }, ['smtp', 'client_cert'], problems);
    } else {
      const cert = readFile(ctx.dir, cc.cert_file, ['smtp', 'client_cert', 'cert_file'], problems, files, 'cert');
      const key = readFile(ctx.dir, cc.key_file, ['smtp', 'client_cert', 'key_file'], problems, files, 'key');
      if (cert && key) tryContext({ cert, key, ...(passphrase !== undefined ? { passphrase } : {}) }, ['smtp', 'client_cert'], problems);
    }
  }
  if (s.auth && s.tls === 'none' && !s.allow_insecure_auth) {
    problems.push({ path: ['smtp', 'auth'], message: 'tls: none would send credentials in clear; use tls: required, or set allow_insecure_auth: true' });
  }
  return { problems, warnings, files };
}

function tryContext(options: Parameters<typeof createSecureContext>[0], path: ConfigPath, problems: EmailProblem[]): void {
  try {
    createSecureContext(options);
  } catch (err) {
    // OpenSSL's message names the problem (bad decrypt, no start line) but never the secret.
    problems.push({ path, message: `TLS material not usable: ${(err as Error).message}` });
  }
}
