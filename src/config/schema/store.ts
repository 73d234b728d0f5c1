/**
 * The state directory: outbox, event history, route state and silences in one SQLite file.
 */
import { z } from 'zod';
import { duration } from './common.js';

export const storeSection = z.strictObject({
  path: z.string().min(1).optional().meta({
    description: 'State directory, relative to this file; default $STATE_DIRECTORY (systemd) or ./state next to this file',
  }),
  retention: duration.prefault('30d').meta({ description: 'Event history and delivery attempts older than this are removed' }),
  max_outbox: z.number().int().min(10).default(100_000).meta({ description: 'Notifications waiting at most; beyond, the oldest low-severity ones are dropped' }),
  synchronous: z.enum(['full', 'normal']).default('full')
    .meta({ description: 'full: every commit survives power loss; normal: survives a crash of the process, faster' }),
});
export type StoreConfig = z.output<typeof storeSection>;
