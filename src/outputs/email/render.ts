/**
 * Builds the MIME message of one notification. Header safety lives here: every header
 * value from a template is flattened to one line (CR, LF, NUL, other controls, U+2028/2029
 * become spaces) and bounded, addresses were checked by recipients.ts, and event text only
 * ever lands in encoded bodies (quoted-printable or base64), so no event field can add a
 * header, a recipient or a MIME part. SMTP dot-stuffing is nodemailer's, on the wire.
 */
import iconv from 'iconv-lite';
import MimeNode from 'nodemailer/lib/mime-node';
import type { Notification } from '../../core/notification.js';
import { notificationData } from '../../core/template-data.js';
import { compileTemplate, isTemplateError, type Template, type TemplateData } from '../../core/template.js';

export interface MessageTemplates {
  readonly subject: Template;
  readonly body: Template;
  readonly html?: Template;
}

export interface SmsProfile {
  readonly template: Template;
  readonly subject: Template;
  readonly maxLength: number;
}

export interface RenderOptions {
  readonly from: { readonly name?: string; readonly address: string };
  readonly charset: string;
  readonly transferEncoding: 'quoted-printable' | 'base64';
  readonly messageIdDomain: string;
  readonly attachEvents: boolean;
  readonly sms?: SmsProfile;
  readonly templatesFor: (category: string) => MessageTemplates;
}

export interface RenderedMessage {
  readonly raw: Buffer;
  readonly messageId: string;
  readonly subject: string;
}

const SUBJECT_MAX = 250;
const HEADER_UNSAFE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g;
// Body text keeps TAB and line breaks; other controls are shown, not sent raw.
const BODY_UNSAFE = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g;

/** One header-safe line: controls and line separators become a space, length bounded. */
export function headerText(text: string, max = SUBJECT_MAX): string {
  const flat = text.replace(HEADER_UNSAFE, ' ').replace(/ {2,}/g, ' ').trim();
  return [...flat].length > max ? [...flat].slice(0, max - 1).join('') + '…' : flat;
}

/** Body text with CRLF line ends and visible escapes for stray control bytes. */
export function bodyText(text: string): string {
  return text
    .replace(BODY_UNSAFE, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`)
    .replace(/\r\n|\r|\n|\u2028|\u2029/g, '\r\n');
}

/** The SMS text: one line, cut to `max` characters (code points, not UTF-16 units). */
export function smsText(text: string, max: number): string {
  const flat = text.replace(HEADER_UNSAFE, ' ').replace(/\s+/g, ' ').trim();
  const chars = [...flat];
  return chars.length > max ? chars.slice(0, max).join('') : flat;
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

function htmlData(data: TemplateData): TemplateData {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(data)) out[k] = escapeHtml(v);
  return out;
}

function textPart(parent: MimeNode | undefined, subtype: 'plain' | 'html', text: string, o: RenderOptions, root?: MimeNode): MimeNode {
  const type = `text/${subtype}; charset=${o.charset.toLowerCase()}`;
  const node = parent ? parent.createChild(type) : root!;
  if (!parent) node.setHeader('Content-Type', type);
  node.setHeader('Content-Transfer-Encoding', o.transferEncoding);
  // Characters the charset cannot hold become "?" (iconv-lite's substitute), never a broken byte.
  node.setContent(iconv.encode(bodyText(text), o.charset));
  return node;
}

/** The digest attachment: one JSON object per event, as stored in the notification. */
export function eventsAttachment(n: Notification): string {
  return n.items.map((i) => JSON.stringify(i)).join('\n') + '\n';
}

const overrides = new Map<string, Template>();

function override(text: string | undefined, fallback: Template): Template {
  if (text === undefined) return fallback;
  let t = overrides.get(text);
  if (!t) {
    const c = compileTemplate(text);
    t = isTemplateError(c) ? fallback : c;
    if (overrides.size < 100) overrides.set(text, t);
  }
  return t;
}

/** Renders the notification into a complete RFC 5322 message for `to`. */
export async function renderMessage(n: Notification, to: readonly string[], o: RenderOptions): Promise<RenderedMessage> {
  const data = notificationData(n);
  const messageId = `<${n.id}@${o.messageIdDomain}>`;
  let subject: string;
  let text: string;
  let html: string | undefined;
  if (o.sms) {
    subject = headerText(o.sms.subject.render(data));
    text = smsText(o.sms.template.render(data), o.sms.maxLength);
  } else {
    const t = o.templatesFor(n.category);
    // A route may override the channel's subject and body (validated at config load).
    subject = headerText(override(n.subject, t.subject).render(data));
    text = override(n.template, t.body).render(data);
    html = t.html?.render(htmlData(data));
  }
  const attach = !o.sms && o.attachEvents && n.items.length > 1;
  const multipart = attach ? 'multipart/mixed' : html !== undefined ? 'multipart/alternative' : false;
  const root = new MimeNode(multipart, { hostname: o.messageIdDomain });
  if (multipart) {
    const body = attach && html !== undefined ? root.createChild('multipart/alternative') : root;
    textPart(body, 'plain', text, o);
    if (html !== undefined) textPart(body, 'html', html, o);
    if (attach) {
      const file = root.createChild('text/plain; charset=utf-8', { filename: 'events.txt' });
      file.setHeader('Content-Disposition', 'attachment');
      file.setHeader('Content-Transfer-Encoding', 'base64');
      file.setContent(Buffer.from(eventsAttachment(n), 'utf8'));
    }
  } else {
    textPart(undefined, 'plain', text, o, root);
  }
  root.setHeader('From', o.from.name ? { name: headerText(o.from.name, 100), address: o.from.address } : { address: o.from.address });
  root.setHeader('To', to.map((address) => ({ address })));
  root.setHeader('Subject', subject);
  root.setHeader('Date', new Date(n.createdAt));
  root.setHeader('Message-ID', messageId);
  root.setHeader('X-Eventgate-Id', n.id);
  root.setHeader('X-Eventgate-Category', headerText(n.category, 64));
  root.setHeader('X-Eventgate-Severity', n.severity);
  root.setHeader('Auto-Submitted', 'auto-generated');
  const raw = await root.build();
  return { raw, messageId, subject };
}
