/**
 * The syslog parser: RFC 5424 and RFC 3164 table tests, malformed input kept leniently,
 * and the property that it never throws on any bytes.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { parseSyslog } from '../../../../src/listeners/syslog/parse.js';

const NOW = Date.UTC(2026, 10, 22, 12, 0, 0); // 2026-11-22T12:00:00Z
const parse = (text: string) => parseSyslog(Buffer.from(text, 'utf8'), NOW);

describe('RFC 5424', () => {
  it('parses every header field, structured data and the message', () => {
    const r = parse('<165>1 2003-10-11T22:14:15.003Z mymachine.example.com evntslog 77 ID47 [exampleSDID@32473 iut="3" eventSource="Application" eventID="1011"] An application event log entry...');
    assert.ok(r);
    const { structuredData, ...header } = r.parts;
    assert.deepEqual(header, {
      format: 'rfc5424', facility: 20, severity: 5, timestamp: '2003-10-11T22:14:15.003Z',
      hostname: 'mymachine.example.com', appName: 'evntslog', procId: '77', msgId: 'ID47',
    });
    assert.deepEqual(Object.keys(structuredData!), ['exampleSDID@32473']);
    assert.deepEqual({ ...structuredData!['exampleSDID@32473'] }, { iut: '3', eventSource: 'Application', eventID: '1011' });
    assert.equal(r.message, 'An application event log entry...');
    assert.equal(r.problem, undefined);
  });

  const cases: { name: string; input: string; check: (r: NonNullable<ReturnType<typeof parse>>) => void }[] = [
    {
      name: 'NILVALUE everywhere',
      input: '<34>1 - - - - - -',
      check: (r) => {
        assert.equal(r.parts.format, 'rfc5424');
        assert.equal(r.parts.hostname, undefined);
        assert.equal(r.parts.timestamp, undefined);
        assert.equal(r.parts.structuredData, undefined);
        assert.equal(r.message, '');
        assert.equal(r.problem, undefined);
      },
    },
    {
      name: 'several SD elements, escapes and a BOM before the message',
      input: '<13>1 2026-11-22T10:00:00+01:00 host app - - [a@1 x="q\\"uote" y="back\\\\slash" z="br\\]acket"][b@2 k="v"] \uFEFFgrüße',
      check: (r) => {
        assert.deepEqual({ ...r.parts.structuredData!['a@1'] }, { x: 'q"uote', y: 'back\\slash', z: 'br]acket' });
        assert.deepEqual({ ...r.parts.structuredData!['b@2'] }, { k: 'v' });
        assert.equal(r.message, 'grüße');
        assert.equal(r.parts.timestamp, '2026-11-22T10:00:00+01:00');
      },
    },
    {
      name: 'fractional seconds with microseconds',
      input: '<13>1 2026-11-22T10:00:00.123456Z h a - - - m',
      check: (r) => assert.equal(r.parts.timestamp, '2026-11-22T10:00:00.123456Z'),
    },
    {
      name: 'an impossible date is dropped, the rest kept',
      input: '<13>1 2026-02-30T10:00:00Z h a - - - m',
      check: (r) => {
        assert.equal(r.parts.timestamp, undefined);
        assert.equal(r.parts.hostname, 'h');
        assert.match(r.problem!, /timestamp/);
        assert.equal(r.message, 'm');
      },
    },
    {
      name: 'unterminated structured data keeps the text as the message',
      input: '<13>1 - h a - - [x@1 k="never closed',
      check: (r) => {
        assert.equal(r.parts.structuredData, undefined);
        assert.match(r.problem!, /structured data/);
        assert.equal(r.message, '[x@1 k="never closed');
      },
    },
    {
      name: 'a truncated header keeps what there is',
      input: '<13>1 2026-11-22T10:00:00Z host',
      check: (r) => {
        assert.match(r.problem!, /truncated/);
        assert.equal(r.parts.format, 'rfc5424');
      },
    },
    {
      name: 'an SD id of __proto__ does not pollute prototypes',
      input: '<13>1 - h a - - [__proto__ polluted="yes"] m',
      check: (r) => {
        assert.equal(({} as Record<string, unknown>).polluted, undefined);
        assert.equal(r.parts.structuredData!['__proto__']!.polluted, 'yes');
      },
    },
  ];
  for (const c of cases) it(c.name, () => c.check(parse(c.input)!));
});

describe('RFC 3164 as products send it', () => {
  const cases: [string, string, Record<string, unknown>, string][] = [
    ['classic with pid', '<34>Oct 11 22:14:15 mymachine su[230]: \'su root\' failed', { hostname: 'mymachine', appName: 'su', procId: '230' }, "'su root' failed"],
    ['space-padded day', '<13>Nov  2 01:02:03 host app: hi', { hostname: 'host', appName: 'app', timestamp: new Date(2026, 10, 2, 1, 2, 3).toISOString() }, 'hi'],
    ['no hostname', '<13>Oct 11 22:14:15 su: hello', { hostname: undefined, appName: 'su' }, 'hello'],
    ['year in the timestamp', '<13>Oct 11 2025 22:14:15 host app: x', { hostname: 'host', timestamp: new Date(2025, 9, 11, 22, 14, 15).toISOString() }, 'x'],
    ['ISO timestamp', '<13>2026-11-22T10:00:00.5+02:00 host app[1]: y', { timestamp: '2026-11-22T10:00:00.5+02:00', hostname: 'host', procId: '1' }, 'y'],
    ['no timestamp', '<13>app: only tag', { hostname: undefined, appName: 'app', timestamp: undefined }, 'only tag'],
    ['no tag', '<13>Oct 11 22:14:15 host just text here', { hostname: 'host', appName: undefined }, 'just text here'],
    ['a December date seen in January belongs to last year', '<13>Dec 31 23:59:59 h a: z', { timestamp: new Date(2025, 11, 31, 23, 59, 59).toISOString() }, 'z'],
  ];
  for (const [name, input, parts, message] of cases) {
    it(name, () => {
      const now = name.includes('January') ? new Date(2026, 0, 1, 0, 5).getTime() : NOW;
      const r = parseSyslog(Buffer.from(input), now)!;
      assert.equal(r.parts.format, 'rfc3164');
      for (const [k, v] of Object.entries(parts)) assert.equal((r.parts as unknown as Record<string, unknown>)[k], v, k);
      assert.equal(r.message, message);
    });
  }
  it('Feb 30 is no date', () => {
    const r = parse('<13>Feb 30 10:00:00 host app: x')!;
    assert.equal(r.parts.timestamp, undefined);
    assert.match(r.problem!, /timestamp/);
  });
});

describe('malformed input is kept, never thrown', () => {
  const lenient: [string, string][] = [
    ['<999>x', 'value above 191'],
    ['<>x', 'empty PRI'],
    ['<01>x', 'leading zero'],
    ['<12345678901234567890>x', '20-digit PRI'],
    ['no pri at all', 'no PRI'],
    ['<13', 'unterminated PRI'],
  ];
  for (const [input, why] of lenient) {
    it(`${why}: raw format, whole line kept`, () => {
      const r = parse(input)!;
      assert.equal(r.parts.format, 'raw');
      assert.equal(r.message, input);
      assert.equal(r.parts.severity, 5);
    });
  }
  it('a 5,000-digit VERSION is not RFC 5424', () => {
    const r = parse(`<13>${'1'.repeat(5000)} rest`)!;
    assert.notEqual(r.parts.format, 'rfc5424');
  });
  it('empty, LF-only, CR-only and NUL-only messages are empty', () => {
    for (const s of ['', '\n', '\r\n', '\r', '\0\0']) assert.equal(parse(s), undefined, JSON.stringify(s));
  });
  it('invalid UTF-8 becomes U+FFFD in text', () => {
    for (const bytes of [[0xc0, 0xaf], [0xed, 0xa0, 0x80], [0xe2, 0x82], [0xff]]) {
      const r = parseSyslog(Buffer.from([...Buffer.from('<13>Oct 11 22:14:15 h a: '), ...bytes]), NOW)!;
      assert.match(r.message, /\uFFFD/);
    }
  });
  it('header tokens never carry control characters', () => {
    const r = parse('<13>1 - ho\u0001st app - - - m')!;
    assert.equal(r.parts.hostname, undefined);
    assert.match(r.problem!, /hostname/);
  });
});

describe('properties', () => {
  it('never throws on any bytes up to 64 KiB (50,000 runs)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 65536 }), (bytes) => {
        const r = parseSyslog(bytes, NOW);
        if (r) {
          assert.equal(typeof r.message, 'string');
          for (const k of ['hostname', 'appName', 'procId', 'msgId'] as const) {
            const v = r.parts[k];
            if (v !== undefined) assert.doesNotMatch(v, /[\u0000-\u001f\u007f]/);
          }
        }
      }),
      { numRuns: 50_000, seed: 20261122 },
    );
  });
  it('never throws on large inputs up to 64 KiB', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 1024, maxLength: 65536, size: 'max' }), (bytes) => {
        parseSyslog(bytes, NOW);
      }),
      { numRuns: 300, seed: 3 },
    );
  });
  it('never throws on syslog-shaped text', () => {
    const token = fc.constantFrom('<13>', '<165>1 ', '1 ', '- ', '[', ']', '"', '\\', '=', ' ', 'Oct 11 22:14:15 ', '2026-11-22T10:00:00Z ', 'x@1', 'app[1]: ', '\uFEFF', '\n');
    fc.assert(
      fc.property(fc.array(fc.oneof(token, fc.string({ maxLength: 5 })), { maxLength: 40 }), (parts) => {
        parse(parts.join(''));
      }),
      { numRuns: 20_000, seed: 7 },
    );
  });
});
