/**
 * Wires an `email` channel plan into the email Output: SMTP settings with the TLS files
 * read at compile time and secrets resolved by the loader, and the templates per category
 * (channel `by_category`, then the channel's own, then the built-in defaults).
 */
import { hostname } from 'node:os';
import type { EmailChannelConfig } from '../config/schema/channels.js';
import { compileTemplate, isTemplateError, type Template } from '../core/template.js';
import type { Output } from '../core/output.js';
import { defaultTemplates } from '../outputs/email/defaults.js';
import { createEmailOutput, type EmailOutputDeps } from '../outputs/email/email-output.js';
import { domainOf, parseSender } from '../outputs/email/recipients.js';
import type { MessageTemplates } from '../outputs/email/render.js';
import { tlsVersion, type SmtpSettings } from '../outputs/email/smtp-transport.js';
import { firstStaticRecipient } from './compile-email.js';
import type { ChannelPlan } from './compile.js';

function builtIn(text: string): Template {
  const t = compileTemplate(text);
  if (isTemplateError(t)) throw new Error(`built-in email template does not compile: ${t.message}`);
  return t;
}

function smtpSettings(plan: ChannelPlan, c: EmailChannelConfig): SmtpSettings {
  const s = c.smtp;
  const file = (k: string) => plan.files?.get(k);
  const cc = s.client_cert;
  const passphrase = cc?.passphrase ? { passphrase: cc.passphrase.secret } : {};
  let clientCert: SmtpSettings['clientCert'];
  if (cc && 'pfx_file' in cc) clientCert = { pfx: file('pfx')!, ...passphrase };
  else if (cc) clientCert = { cert: file('cert')!, key: file('key')!, ...passphrase };
  return {
    tls: s.tls,
    minVersion: tlsVersion(s.min_tls),
    ...(file('ca') ? { ca: file('ca')! } : {}),
    ...(s.servername ? { servername: s.servername } : {}),
    ...(clientCert ? { clientCert } : {}),
    ...(s.auth ? {
      auth: {
        user: s.auth.user,
        ...(s.auth.method ? { method: s.auth.method } : {}),
        ...(s.auth.pass ? { pass: s.auth.pass.secret } : {}),
        ...(s.auth.access_token ? { accessToken: s.auth.access_token.secret } : {}),
      },
    } : {}),
    allowInsecureAuth: s.allow_insecure_auth,
    ...(s.helo_name ? { heloName: s.helo_name } : {}),
    pool: s.pool,
    maxMessages: s.max_messages,
    idleTimeoutMs: s.idle_timeout,
    connectionTimeoutMs: s.connection_timeout,
    greetingTimeoutMs: s.greeting_timeout,
    socketTimeoutMs: s.socket_timeout,
  };
}

export function buildEmailOutput(plan: ChannelPlan, c: EmailChannelConfig, deps: EmailOutputDeps): Output {
  const t = (path: string) => plan.templates.get(path);
  const cache = new Map<string, MessageTemplates>();
  const templatesFor = (category: string): MessageTemplates => {
    let m = cache.get(category);
    if (!m) {
      const d = defaultTemplates(category);
      const own = c.by_category[category];
      const html = (own?.html !== undefined ? t(`by_category.${category}.html`) : undefined) ?? t('html');
      m = {
        subject: (own?.subject !== undefined ? t(`by_category.${category}.subject`) : undefined) ?? t('subject') ?? builtIn(d.subject),
        body: (own?.body !== undefined ? t(`by_category.${category}.body`) : undefined) ?? t('body') ?? builtIn(d.body),
        ...(html ? { html } : {}),
      };
      cache.set(category, m);
    }
    return m;
  };
  // compile-email.ts guarantees a valid `from` or a literal first recipient.
  const from = (c.from !== undefined ? parseSender(c.from) : undefined) ?? { address: firstStaticRecipient(c, plan.templates)! };
  return createEmailOutput({
    id: plan.id,
    servers: c.smtp.servers,
    ...(c.smtp.mx ? { mx: { port: c.smtp.mx.port } } : {}),
    smtp: smtpSettings(plan, c),
    to: c.to.map((_, i) => t(`to.${i}`)!),
    message: {
      from,
      charset: c.charset,
      transferEncoding: c.transfer_encoding,
      messageIdDomain: c.message_id_domain ?? (domainOf(from.address) || hostname()),
      attachEvents: c.attach_events,
      templatesFor,
      ...(c.sms ? { sms: { template: t('sms.template')!, subject: t('sms.subject')!, maxLength: c.sms.max_length } } : {}),
    },
  }, deps);
}
