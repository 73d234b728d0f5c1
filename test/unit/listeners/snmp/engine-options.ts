/**
 * Engine options for unit tests: the fixture credentials (test/fixtures/snmp/README.md).
 */
import { Secret } from '../../../../src/core/secret.js';
import { createAllowList } from '../../../../src/listeners/access.js';
import type { EngineOptions } from '../../../../src/listeners/snmp/engine.js';
import { createUserTable, type UsmUser } from '../../../../src/listeners/snmp/usm.js';

export const FIXTURE_ENGINE = '8000000001020304';

export const FIXTURE_USERS: UsmUser[] = [
  { name: 'noc', engineIds: [], auth: { protocol: 'sha', key: new Secret('authpass123', 'test') }, priv: { protocol: 'aes', key: new Secret('privpass123', 'test') } },
  { name: 'authonly', engineIds: [], auth: { protocol: 'sha256', key: new Secret('authpass123', 'test') } },
];

export function engineOptions(over: Partial<EngineOptions> & { communityList?: string[]; userList?: UsmUser[]; allowList?: string[] } = {}): EngineOptions {
  const users = over.userList ?? FIXTURE_USERS;
  const communities = new Map((over.communityList ?? ['public']).map((c, i) => [Buffer.from(c).toString('hex'), `communities[${i}]`]));
  return {
    versions: new Set(['v1', 'v2c', 'v3'] as const),
    minLevel: 'noAuthNoPriv',
    communities,
    users,
    findUser: createUserTable(users),
    allow: createAllowList(over.allowList ?? []),
    engineId: FIXTURE_ENGINE,
    discoveryAllowed: () => true,
    ...over,
  };
}
