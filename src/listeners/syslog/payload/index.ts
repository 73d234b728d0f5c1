/**
 * Recognises a vendor payload in a syslog MSG and parses it into flat string fields:
 * CEF, then LEEF, then a JSON object, then `key=value` and `Key: Value` lists. The first
 * format that recognises the text wins; plain prose yields no payload. Never throws.
 */
import type { Payload } from '../../../core/event.js';
import { parseCef } from './cef.js';
import { parseJsonPayload } from './json.js';
import { parseColonPairs, parseEqualsPairs } from './kv.js';
import { parseLeef } from './leef.js';

/** Parses `message` as a vendor payload; undefined when it is none of the known formats. */
export function parsePayload(message: string): Payload | undefined {
  try {
    if (message.includes('CEF:')) {
      const fields = parseCef(message);
      if (fields) return { format: 'cef', fields };
    }
    if (message.includes('LEEF:')) {
      const fields = parseLeef(message);
      if (fields) return { format: 'leef', fields };
    }
    const json = parseJsonPayload(message);
    if (json) return { format: 'json', fields: json };
    if (message.includes('=')) {
      const fields = parseEqualsPairs(message);
      if (fields) return { format: 'kv', fields };
    }
    if (message.includes(':') && message.includes(',')) {
      const fields = parseColonPairs(message);
      if (fields) return { format: 'kv', fields };
    }
  } catch {
    // The parsers are total by design (a property test holds them to it); this guard keeps
    // a bug in one of them from costing the event, which is still kept as plain text.
  }
  return undefined;
}
