/**
 * The `log` output: one readable line per notification on a stream (stdout, read by the
 * journal), or one JSON object per line. Control characters in event text are made
 * visible, so one notification is always exactly one line.
 */
import type { Writable } from 'node:stream';
import type { Output } from '../../core/output.js';
import { notificationData } from '../../core/template-data.js';
import { compileTemplate, isTemplateError, type Template } from '../../core/template.js';
import { escapeControls } from '../../core/text.js';

export interface LogOutputOptions {
  readonly id: string;
  readonly format: 'text' | 'json';
  readonly template: Template;
  readonly stream: Writable;
}

export function createLogOutput(opts: LogOutputOptions): Output {
  // A route may override the template; the text was validated at config load.
  const overrides = new Map<string, Template>();
  const templateOf = (text: string | undefined): Template => {
    if (text === undefined) return opts.template;
    let t = overrides.get(text);
    if (!t) {
      const c = compileTemplate(text);
      t = isTemplateError(c) ? opts.template : c;
      if (overrides.size < 100) overrides.set(text, t);
    }
    return t;
  };
  return {
    id: opts.id,
    type: 'log',
    async send(n) {
      const line = opts.format === 'json'
        ? JSON.stringify({ notification: n.id, channel: opts.id, kind: n.kind, severity: n.severity, category: n.category, title: n.title, key: n.key, items: n.items, suppressed: n.suppressed })
        : `notification ${opts.id} ${n.id}: ${escapeControls(templateOf(n.template).render(notificationData(n)))}`;
      opts.stream.write(line + '\n');
      return { status: 'sent' };
    },
    async close() {},
  };
}
