/**
 * Where the state directory is, and the silences the policy engine applies: those of the
 * config file plus those added at run time (`eventgate silence add`, kept in the store).
 */
import { resolve } from 'node:path';
import type { LoadedConfig } from '../config/load.js';
import { eventMatch } from '../config/schema/routes.js';
import { createAllowList } from '../core/cidr.js';
import type { Logger } from '../observe/logger.js';
import { compileSilences, type Silence } from '../route/silences.js';
import type { StoredSilence } from '../store/index.js';

/**
 * `store.path` relative to the config file; else `$STATE_DIRECTORY` (set by systemd's
 * `StateDirectory=`, e.g. /var/lib/eventgate); else `state` next to the config file.
 */
export function stateDir(loaded: LoadedConfig, env: NodeJS.ProcessEnv): string {
  const p = loaded.config.store.path;
  if (p !== undefined) return resolve(loaded.dir, p);
  const fromSystemd = env.STATE_DIRECTORY?.split(':')[0];
  if (fromSystemd) return fromSystemd;
  return resolve(loaded.dir, 'state');
}

/** Compiles stored silences; one that no longer validates is skipped with a warning. */
export function compileStoredSilences(stored: readonly StoredSilence[], log: Logger): Silence[] {
  const specs = stored.flatMap((s) => {
    const m = eventMatch.safeParse(s.match);
    if (!m.success) {
      log.warn({ silence: s.id }, 'stored silence has an invalid match; ignored');
      return [];
    }
    return [{ id: s.id, match: m.data, startsAt: s.startsAt, endsAt: s.endsAt }];
  });
  const { silences, problems } = compileSilences(specs, createAllowList, (i) => ['silences', i]);
  for (const p of problems) log.warn({ problem: p.message }, 'stored silence has a problem');
  return silences;
}
