/**
 * The `log` output: one readable line per notification on a stream (stdout, read by the
 * journal), or one JSON object per line. Control characters in event text are made
 * visible, so one notification is always exactly one line.
 */
import type { Writable } from 'node:stream';
import type { Output } from '../../core/output.js';
import { notificationData } from '../../core/template-data.js';
import type { Template } from '../../core/template.js';
import { escapeControls } from '../../core/text.js';

export interface LogOutputOptions {
  readonly id: string;
  readonly format: 'text' | 'json';
  readonly template: Template;
  readonly stream: Writable;
}

export function createLogOutput(opts: LogOutputOptions): Output {
  return {
    id: opts.id,
    type: 'log',
    async send(n) {
      const line = opts.format === 'json'
        ? JSON.stringify({ notification: n.id, channel: opts.id, kind: n.kind, severity: n.severity, category: n.category, title: n.title, key: n.key, items: n.items, suppressed: n.suppressed })
        : `notification ${opts.id} ${n.id}: ${escapeControls(opts.template.render(notificationData(n)))}`;
      opts.stream.write(line + '\n');
      return { status: 'sent' };
    },
    async close() {},
  };
}
