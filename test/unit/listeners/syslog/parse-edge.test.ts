/**
 * Edge cases of the syslog parser from TEST-PLAN B2/B3 (hostile headers, invalid UTF-8),
 * the charset option, and payloads attached to events. The backbone's own cases live in
 * parse.test.ts.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { escapeControls, hasControls } from '../../../../src/core/text.js';
import { createDecoder } from '../../../../src/listeners/syslog/charset.js';
import { syslogEvent } from '../../../../src/listeners/syslog/normalize.js';
import { parseSyslog } from '../../../../src/listeners/syslog/parse.js';

const NOW = Date.UTC(2026, 2, 2, 12, 0, 0);
const PEER = { address: '192.0.2.1', port: 514, transport: 'tcp' } as const;
const parse = (s: string | Buffer) => parseSyslog(typeof s === 'string' ? Buffer.from(s, 'latin1') : s, NOW);

describe('hostile headers (TEST-PLAN B2)', () => {
  const rawCases: [string, string][] = [
    ['<999>x', 'PRI over 191'],
    ['<>x', 'empty PRI'],
    ['<01>x', 'leading zero'],
    ['<12345678901234567890>x', '20-digit PRI'],
    ['<192>Jan  1 00:00:00 h t: x', 'PRI 192'],
  ];
  for (const [input, what] of rawCases) {
    it(`keeps the whole line as raw text: ${what}`, () => {
      const p = parse(input)!;
      assert.equal(p.parts.format, 'raw');
      assert.equal(p.message, input);
      assert.equal(p.problem, 'no valid PRI');
    });
  }
  it('takes a 5,000-digit VERSION as RFC 3164 text, not RFC 5424', () => {
    const p = parse(`<13>${'1'.repeat(5000)} rest`)!;
    assert.equal(p.parts.format, 'rfc3164');
    assert.ok(p.message.endsWith('rest'));
  });
  const badDates = ['2026-02-30T00:00:00Z', '2026-13-01T00:00:00Z', '2026-01-01T24:00:00Z', '2025-02-29T00:00:00Z', '2026-01-01T00:00:00+25:00'];
  for (const ts of badDates) {
    it(`flags an impossible RFC 5424 timestamp ${ts} and keeps the message`, () => {
      const p = parse(`<13>1 ${ts} host app - - - hello`)!;
      assert.equal(p.parts.timestamp, undefined);
      assert.match(p.problem ?? '', /timestamp/);
      assert.equal(p.message, 'hello');
    });
  }
  it('accepts a leap day, fractional seconds and an offset', () => {
    assert.equal(parse('<13>1 2024-02-29T23:59:59.123456+05:30 h a - - - x')!.parts.timestamp, '2024-02-29T23:59:59.123456+05:30');
  });
  it('rejects RFC 3164 day/month impossibilities (CVE-2022-38725 class)', () => {
    for (const ts of ['Feb 30 10:00:00', 'Apr 31 10:00:00', 'Jan 32 10:00:00', 'Jan  0 10:00:00', 'Jan  1 25:00:00', 'Foo  1 10:00:00']) {
      const p = parse(`<13>${ts} host app: x`)!;
      assert.equal(p.parts.timestamp, undefined, ts);
    }
  });
  it('keeps an unterminated structured data as message text', () => {
    const p = parse('<13>1 2026-01-01T00:00:00Z h a - - [id@1 k="v] msg')!;
    assert.equal(p.parts.structuredData, undefined);
    assert.match(p.problem ?? '', /structured data/);
    assert.equal(p.message, '[id@1 k="v] msg');
  });
  it('reads escaped quote, backslash and bracket in SD values and several elements', () => {
    const p = parse('<13>1 2026-01-01T00:00:00Z h a - - [a@1 k="x\\]y\\"z\\\\"][b@2 n="1"] msg')!;
    assert.deepEqual({ ...p.parts.structuredData!['a@1'] }, { k: 'x]y"z\\' });
    assert.deepEqual({ ...p.parts.structuredData!['b@2'] }, { n: '1' });
    assert.equal(p.message, 'msg');
  });
  it('survives NUL bytes, a BOM, CR-only and empty input', () => {
    assert.equal(parse(Buffer.from('<13>1 2026-01-01T00:00:00Z h a - - - \ufeffbom text', 'utf8'))!.message, 'bom text');
    assert.equal(parse('<13>Jan  1 00:00:00 h a: x\0y')!.message, 'x\0y');
    assert.equal(parse('\r'), undefined);
    assert.equal(parse(''), undefined);
    assert.equal(parse('\0\0\n'), undefined);
  });
  it('returns a result for any bytes, and escapeControls makes every field displayable', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 2048 }), (bytes) => {
        const p = parseSyslog(bytes, NOW);
        if (!p) return;
        for (const v of [p.message, p.parts.hostname, p.parts.appName, p.parts.procId, p.parts.msgId]) {
          if (v !== undefined) assert.equal(hasControls(escapeControls(v)), false);
        }
      }),
      { numRuns: 5000 },
    );
  });
});

describe('invalid UTF-8 (TEST-PLAN B3)', () => {
  const cases: [string, number[]][] = [
    ['overlong', [0xc0, 0xaf]],
    ['surrogate', [0xed, 0xa0, 0x80]],
    ['truncated', [0xe2, 0x82]],
    ['FF', [0xff]],
  ];
  for (const [what, bad] of cases) {
    it(`keeps the raw bytes and shows U+FFFD: ${what}`, () => {
      const bytes = Buffer.concat([Buffer.from('<13>Jan  1 00:00:00 h a: x'), Buffer.from(bad), Buffer.from('y')]);
      const built = syslogEvent(bytes, { id: 'i', now: NOW, listener: 'l', peer: PEER })!;
      assert.deepEqual(Buffer.from(built.event.raw), bytes);
      assert.match(built.event.message, /^x\uFFFD+y$/);
    });
  }
});

describe('charset option', () => {
  it('decodes Shift_JIS text and keeps the bytes', () => {
    // "ウイルス検出" (virus detected) in Shift_JIS.
    const sjis = Buffer.from([0x83, 0x45, 0x83, 0x43, 0x83, 0x8b, 0x83, 0x58, 0x8c, 0x9f, 0x8f, 0x6f]);
    const bytes = Buffer.concat([Buffer.from('<11>Jan  1 00:00:00 av01 scan: '), sjis]);
    const built = syslogEvent(bytes, { id: 'i', now: NOW, listener: 'l', peer: PEER, decode: createDecoder('Shift_JIS') })!;
    assert.equal(built.event.message, 'ウイルス検出');
    assert.deepEqual(Buffer.from(built.event.raw), bytes);
  });
  it('decodes windows-1252 and refuses an unknown charset', () => {
    const bytes = Buffer.from([...Buffer.from('<13>Jan  1 00:00:00 h a: '), 0x80, 0xe9]);
    assert.equal(syslogEvent(bytes, { id: 'i', now: NOW, listener: 'l', peer: PEER, decode: createDecoder('windows-1252') })!.event.message, '€é');
    assert.throws(() => createDecoder('no-such-charset'), /unknown charset/);
  });
});

describe('payload on events', () => {
  it('attaches a parsed CEF body to the syslog parts, the message unchanged', () => {
    const line = '<12>Mar  2 10:15:02 apex CEF:0|Trend Micro|Apex Central|2019|AV:Virus found|Virus found|8|dhost=PC-0042 cs1Label=VirusName cs1=EICAR';
    const { event } = syslogEvent(Buffer.from(line), { id: 'i', now: NOW, listener: 'l', peer: PEER })!;
    assert.equal(event.syslog!.hostname, 'apex');
    assert.equal(event.syslog!.appName, undefined);
    assert.equal(event.message, line.slice(line.indexOf('CEF:')));
    assert.equal(event.syslog!.payload!.format, 'cef');
    assert.equal(event.syslog!.payload!.fields.VirusName, 'EICAR');
  });
});
