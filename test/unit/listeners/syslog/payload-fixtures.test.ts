import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parse } from 'yaml';
import { syslogEvent } from '../../../../src/listeners/syslog/normalize.js';

interface Fixture {
  name: string;
  source: string;
  line: string;
  format: string;
  fields: Record<string, string>;
}

const fixtures = parse(readFileSync(join(import.meta.dirname, '../../../fixtures/syslog/payloads.yaml'), 'utf8')) as Fixture[];
const PEER = { address: '192.0.2.1', port: 514, transport: 'udp' } as const;

describe('vendor payload fixtures through the syslog parser', () => {
  it('has a documented source for every fixture', () => {
    assert.ok(fixtures.length >= 9);
    for (const f of fixtures) assert.match(f.source, /^https:\/\//, f.name);
  });
  for (const f of fixtures) {
    it(f.name, () => {
      const built = syslogEvent(Buffer.from(f.line, 'utf8'), { id: 'x', now: Date.UTC(2026, 2, 2), listener: 't', peer: PEER });
      const payload = built?.event.syslog?.payload;
      assert.ok(payload, 'a payload was recognised');
      assert.equal(payload.format, f.format);
      for (const [k, v] of Object.entries(f.fields)) assert.equal(payload.fields[k], v, `field ${k}`);
    });
  }
});
