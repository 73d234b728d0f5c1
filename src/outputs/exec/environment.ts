/**
 * The hook's environment: nothing of eventgate's own but a safe PATH, the variables the
 * channel allow-lists, the channel's `env` entries (secrets resolved), and `EVENTGATE_*`
 * variables describing the notification. Values with NUL bytes cannot be passed and are cut.
 */
import type { Notification } from '../../core/notification.js';
import type { Secret } from '../../core/secret.js';
import type { TemplateData } from '../../core/template.js';

const SAFE_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';
const ENV_NAME_MAX = 64;

function envName(field: string): string {
  return field.replace(/[^A-Za-z0-9]/g, '_').toUpperCase().slice(0, ENV_NAME_MAX);
}

function clean(value: string): string {
  return value.includes('\0') ? value.slice(0, value.indexOf('\0')) : value;
}

export function hookEnvironment(
  n: Notification,
  data: TemplateData,
  channelEnv: Readonly<Record<string, string | Secret>>,
  allow: readonly string[],
): Record<string, string> {
  const env: Record<string, string> = { PATH: SAFE_PATH, LANG: 'C.UTF-8' };
  for (const name of allow) {
    const v = process.env[name];
    if (v !== undefined) env[name] = v;
  }
  for (const [k, v] of Object.entries(channelEnv)) env[k] = typeof v === 'string' ? v : v.reveal();
  const first = n.items[0];
  for (const [k, v] of Object.entries(first?.fields ?? {})) env[`EVENTGATE_FIELD_${envName(k)}`] = clean(v);
  Object.assign(env, {
    EVENTGATE_NOTIFICATION_ID: n.id,
    EVENTGATE_KIND: n.kind,
    EVENTGATE_CHANNEL: n.channel,
    EVENTGATE_CATEGORY: n.category,
    EVENTGATE_SEVERITY: n.severity,
    EVENTGATE_TITLE: clean(n.title),
    EVENTGATE_KEY: clean(n.key),
    EVENTGATE_COUNT: data.Count ?? '1',
    EVENTGATE_RULE: first?.ruleId ?? '',
    EVENTGATE_HOST: clean(first?.host ?? ''),
    EVENTGATE_EVENT_ID: first?.eventId ?? '',
  });
  return env;
}
