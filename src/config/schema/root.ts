/**
 * The whole configuration file. Every object is strict (unknown keys are errors); types are
 * inferred from this schema and written nowhere else.
 */
import { z } from 'zod';
import { LOG_LEVELS } from '../../observe/logger.js';
import { channel } from './channels.js';
import { httpSection } from './http.js';
import { identifier } from './common.js';
import { listenersSection } from './listeners.js';
import { absence, silence } from './policy.js';
import { route } from './routes.js';
import { storeSection } from './store.js';

export const configSchema = z.strictObject({
  listeners: listenersSection.default({ syslog: [], snmp: [] }),
  mibs: z.array(z.string().min(1)).default([]).meta({ description: 'Directories of MIB files, loaded after the built-in mibs/; relative to this file' }),
  rules: z.array(z.string().min(1)).default([]).meta({ description: 'Rule files; relative to this file; * allowed in the file name' }),
  categories: z.array(identifier).default([]).meta({ description: 'Categories added to the built-in ones' }),
  channels: z.record(identifier, channel).default({}),
  routes: z.array(route).default([]),
  silences: z.array(silence).default([]).meta({ description: 'Maintenance windows: matching events are stored but not notified' }),
  absence: z.array(absence).default([]).meta({ description: 'Expected recurring events; a missing one raises a system-status problem' }),
  store: storeSection.prefault({}),
  queue: z.strictObject({ capacity: z.number().int().min(1).default(2048) }).default({ capacity: 2048 }),
  log: z.strictObject({ level: z.enum(LOG_LEVELS).default('info') }).default({ level: 'info' }),
  http: httpSection.default({ listen: '' }).meta({ description: 'The /healthz and /metrics endpoint; off when absent' }),
});

export type GatewayConfig = z.output<typeof configSchema>;
