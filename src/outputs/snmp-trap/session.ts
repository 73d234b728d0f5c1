/**
 * One net-snmp Session per target, behind a small typed facade: `send` delivers one
 * notification as a v1/v2c/v3 trap or a v2c/v3 inform and settles with what happened.
 * A trap is done once the datagram is handed to the kernel; an inform once the receiver's
 * Response arrives (net-snmp retransmits `retries` times, `timeout` apart). v3 informs
 * discover the receiver's engine ID and time first (RFC 3414 section 4); v3 traps are sent
 * with eventgate's own engine ID, which the receiver must know the user under.
 */
import { createRequire } from 'node:module';
import { isIPv6 } from 'node:net';
import type { Secret } from '../../core/secret.js';
import type { SnmpNotification } from './varbinds.js';

export type SnmpAuthProtocol = 'md5' | 'sha' | 'sha224' | 'sha256' | 'sha384' | 'sha512';
export type SnmpPrivProtocol = 'des' | 'aes' | 'aes256b' | 'aes256r';

export interface SnmpTarget {
  readonly host: string;
  readonly port: number;
  readonly version: '1' | '2c' | '3';
  readonly inform: boolean;
  readonly timeoutMs: number;
  readonly retries: number;
  readonly community?: Secret;
  readonly user?: {
    readonly name: string;
    readonly level: 'noAuthNoPriv' | 'authNoPriv' | 'authPriv';
    readonly auth?: { readonly protocol: SnmpAuthProtocol; readonly key: Secret };
    readonly priv?: { readonly protocol: SnmpPrivProtocol; readonly key: Secret };
  };
  /** v3 traps: eventgate's authoritative engine ID, hex. */
  readonly engineId?: string;
}

type Callback = (error: Error | null) => void;

interface NetSnmpSession {
  trap(oid: string, varbinds: readonly object[], options: object, cb: Callback): void;
  inform(oid: string, varbinds: readonly object[], options: object, cb: Callback): void;
  close(): void;
}

interface NetSnmp {
  Version1: number;
  Version2c: number;
  SecurityLevel: Record<string, number>;
  AuthProtocols: Record<string, number>;
  PrivProtocols: Record<string, number>;
  createSession(target: string, community: string, options: object): NetSnmpSession;
  createV3Session(target: string, user: object, options: object): NetSnmpSession;
}

const snmp = createRequire(import.meta.url)('net-snmp') as NetSnmp;

/** How one send ended: ok, or an error net-snmp reported (its `name` tells timeouts apart). */
export type SendOutcome = { ok: true } | { ok: false; error: Error };

export interface TargetSession {
  send(n: SnmpNotification): Promise<SendOutcome>;
  close(): void;
}

/** v1 traps carry enterprise + specific-trap; RFC 3584 maps `<enterprise>.0.<n>` back to those. */
function v1TrapArg(trapOid: string): string {
  const m = /^(.*)\.0\.(\d+)$/.exec(trapOid);
  // net-snmp splits the last arc off as the specific-trap number.
  return m ? `${m[1]}.${m[2]}` : trapOid;
}

function closeQuietly(s: NetSnmpSession): void {
  try {
    s.close();
  } catch {
    // The socket was already closed (it failed); nothing left to release.
  }
}

export function createTargetSession(t: SnmpTarget): TargetSession {
  const options = {
    port: t.port,
    trapPort: t.port,
    timeout: t.timeoutMs,
    retries: t.retries,
    transport: isIPv6(t.host) ? 'udp6' : 'udp4',
  };
  let session: NetSnmpSession | undefined;

  function open(): NetSnmpSession {
    if (t.version !== '3') {
      return snmp.createSession(t.host, t.community?.reveal() ?? '', { ...options, version: t.version === '1' ? snmp.Version1 : snmp.Version2c });
    }
    const u = t.user!;
    const user = {
      name: u.name,
      level: snmp.SecurityLevel[u.level],
      ...(u.auth ? { authProtocol: snmp.AuthProtocols[u.auth.protocol], authKey: u.auth.key.reveal() } : {}),
      ...(u.priv ? { privProtocol: snmp.PrivProtocols[u.priv.protocol], privKey: u.priv.key.reveal() } : {}),
    };
    return snmp.createV3Session(t.host, user, { ...options, ...(t.engineId ? { engineID: t.engineId } : {}) });
  }

  return {
    send(n) {
      session ??= open();
      const s = session;
      const extra = n.uptime !== undefined ? { upTime: n.uptime } : {};
      return new Promise((resolve) => {
        const done: Callback = (error) => {
          if (error) {
            // A fresh session forgets a stale v3 engine ID/time and a broken socket.
            if (error.name !== 'RequestTimedOutError' && session === s) {
              session = undefined;
              closeQuietly(s);
            }
            resolve({ ok: false, error });
          } else {
            resolve({ ok: true });
          }
        };
        try {
          if (t.version === '1') s.trap(v1TrapArg(n.trapOid), n.varbinds, { ...extra, agentAddr: '0.0.0.0' }, done);
          else if (t.inform) s.inform(n.trapOid, n.varbinds, { ...extra }, done);
          else s.trap(n.trapOid, n.varbinds, { ...extra }, done);
        } catch (err) {
          done(err instanceof Error ? err : new Error(String(err)));
        }
      });
    },
    close() {
      if (session) closeQuietly(session);
      session = undefined;
    },
  };
}
