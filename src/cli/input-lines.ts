/**
 * The lines `classify` and `replay` read: a syslog message, or a JSON trap description
 * (`{"trap": {"oid": ..., "varbinds": [...]}, "host": ..., "peer": ..., "time": ...}`),
 * turned into the event a listener would have produced from it.
 */
import { trapEvent, type TrapDescription } from '../app/trap-description.js';
import type { GatewayEvent } from '../core/event.js';
import { syslogEvent } from '../listeners/syslog/normalize.js';

const STDIN_PEER = { address: '127.0.0.1', port: 0, transport: 'udp' } as const;

interface TrapLine {
  trap: TrapDescription;
  host?: string;
  peer?: string;
  /** When it was sent (ISO 8601): replay's clock; traps carry no time of their own. */
  time?: string;
}

function asTrapLine(line: string): TrapLine | undefined {
  if (!line.trimStart().startsWith('{')) return undefined;
  try {
    const v = JSON.parse(line) as Partial<TrapLine>;
    if (v && typeof v === 'object' && v.trap && typeof v.trap.oid === 'string') return v as TrapLine;
  } catch {
    // Not JSON: classify it as a syslog line like any other.
  }
  return undefined;
}

export interface InputEvent {
  readonly event: GatewayEvent;
  /** Why a trap description could not be used as it is. */
  readonly problem?: string;
  /** The time the line itself gives (syslog timestamp, trap `time`), ms since the epoch. */
  readonly time?: number;
}

/** The event of one input line, received at `now`; undefined when the line is not one. */
export function inputEvent(line: string, id: string, now: number): InputEvent | undefined {
  const t = asTrapLine(line);
  const built = t
    ? { event: trapEvent(t.trap, { id, now, listener: 'stdin', peer: { ...STDIN_PEER, address: t.peer ?? STDIN_PEER.address, port: 162 }, ...(t.host ? { host: t.host } : {}) }) }
    : syslogEvent(Buffer.from(line, 'utf8'), { id, now, listener: 'stdin', peer: STDIN_PEER });
  if (!built) return undefined;
  const stamp = t ? t.time : built.event.syslog?.timestamp;
  const time = stamp === undefined ? NaN : Date.parse(stamp);
  return { ...built, ...(Number.isFinite(time) ? { time } : {}) };
}
