import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { parseCef } from '../../../../src/listeners/syslog/payload/cef.js';
import { MAX_FIELDS } from '../../../../src/listeners/syslog/payload/fields.js';
import { parsePayload } from '../../../../src/listeners/syslog/payload/index.js';
import { parseJsonPayload } from '../../../../src/listeners/syslog/payload/json.js';
import { parseColonPairs, parseEqualsPairs } from '../../../../src/listeners/syslog/payload/kv.js';
import { parseLeef } from '../../../../src/listeners/syslog/payload/leef.js';

describe('CEF', () => {
  it('unescapes backslashes in the header and keeps an unescaped = inside a value', () => {
    const f = parseCef('CEF:0|Sec\\\\urity|tm|1|100|a \\\\ b|3|fname=C:\\\\x y=z msg=a = b')!;
    assert.equal(f.deviceVendor, 'Sec\\urity');
    assert.equal(f.name, 'a \\ b');
    assert.equal(f.fname, 'C:\\x');
    assert.equal(f.y, 'z');
    assert.equal(f.msg, 'a = b');
  });
  it('needs the seven header fields', () => {
    assert.equal(parseCef('CEF:0|Vendor|Product|1|100|Name'), undefined);
    assert.equal(parseCef('no cef here'), undefined);
    assert.equal(parseCef('xCEF:0|a|b|c|d|e|f|'), undefined, 'CEF: must start a word');
  });
  it('keeps the first of duplicate keys and ignores labels that are not names', () => {
    const f = parseCef('CEF:0|V|P|1|1|N|1|src=1.1.1.1 src=2.2.2.2 cs1Label=a=b cs1=x cs2Label=Good Name cs2=y')!;
    assert.equal(f.src, '1.1.1.1');
    assert.equal(f['Good Name'], 'y');
  });
  it('treats __proto__ as an ordinary key', () => {
    const f = parseCef('CEF:0|V|P|1|1|N|1|__proto__=polluted constructor=x')!;
    assert.equal(f['__proto__'], 'polluted');
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
  });
});

describe('LEEF', () => {
  it('reads 2.0 without a delimiter field as TAB-separated', () => {
    const f = parseLeef('LEEF:2.0|V|P|1|ID|a=1\tb=2')!;
    assert.equal(f.a, '1');
    assert.equal(f.b, '2');
  });
  it('reads a 0x-prefixed delimiter and an empty delimiter field', () => {
    assert.equal(parseLeef('LEEF:2.0|V|P|1|ID|0x7C|a=1|b=2')!.b, '2');
    assert.equal(parseLeef('LEEF:2.0|V|P|1|ID||a=1\tb=2')!.b, '2');
  });
  it('accepts an escaped pipe in the header and a header without the last pipe', () => {
    assert.equal(parseLeef('LEEF:1.0|V\\|X|P|1|ID|a=1')!.deviceVendor, 'V|X');
    assert.equal(parseLeef('LEEF:1.0|V|P|1|ID')!.eventId, 'ID');
  });
  it('rejects other versions and short headers', () => {
    assert.equal(parseLeef('LEEF:3.0|V|P|1|ID|a=1'), undefined);
    assert.equal(parseLeef('LEEF:1.0|V|P'), undefined);
  });
});

describe('JSON', () => {
  it('flattens nested objects and arrays with dots', () => {
    assert.deepEqual({ ...parseJsonPayload('{"a":{"b":[1,{"c":null}]},"d":true}') }, { 'a.b.0': '1', 'a.b.1.c': '', d: 'true' });
  });
  it('ignores arrays, scalars and invalid JSON', () => {
    for (const t of ['[1,2]', '"x"', '{"a":', '{oops}', '']) assert.equal(parseJsonPayload(t), undefined, t);
  });
  it('bounds depth and field count', () => {
    const deep = '{"a":'.repeat(5000) + '1' + '}'.repeat(5000);
    assert.deepEqual({ ...parseJsonPayload(deep) }, {});
    const wide = JSON.stringify(Object.fromEntries(Array.from({ length: 1000 }, (_, i) => [`k${i}`, i])));
    assert.equal(Object.keys(parseJsonPayload(wide)!).length, MAX_FIELDS);
  });
});

describe('key/value lists', () => {
  it('needs two pairs, so prose is not a list', () => {
    assert.equal(parseEqualsPairs('retry=3 failed'), undefined);
    assert.equal(parseColonPairs('Error: disk full'), undefined);
  });
  it('unescapes quoted values', () => {
    assert.equal(parseEqualsPairs('a="say \\"hi\\"" b=2')!.a, 'say "hi"');
  });
  it('continues a value that contains a comma', () => {
    const f = parseColonPairs('Virus found,Description: first, second,User: bob')!;
    assert.equal(f.Description, 'first, second');
    assert.equal(f.User, 'bob');
  });
  it('leaves plain messages without a payload', () => {
    assert.equal(parsePayload('Virus found: EICAR in /srv/x on PC-1'), undefined);
    assert.equal(parsePayload('Service scanner has stopped unexpectedly'), undefined);
  });
});

describe('payload parsers never throw', () => {
  const vendorish = fc.oneof(
    fc.string({ maxLength: 400 }),
    fc.string({ maxLength: 300 }).map((s) => `CEF:0|${s}`),
    fc.string({ maxLength: 300 }).map((s) => `LEEF:2.0|${s}`),
    fc.string({ maxLength: 300 }).map((s) => `{${s}}`),
    fc.array(fc.constantFrom('|', '\\', '=', ' ', ',', ':', '"', '\t', 'a', 'CEF:0', 'LEEF:1.0', '{', '}', 'x09'), { maxLength: 200 }).map((a) => a.join('')),
  );
  it('on arbitrary and vendor-shaped text', () => {
    fc.assert(
      fc.property(vendorish, (text) => {
        const p = parsePayload(text);
        if (p) for (const [k, v] of Object.entries(p.fields)) assert.ok(typeof k === 'string' && typeof v === 'string');
        parseCef(text);
        parseLeef(text);
        parseJsonPayload(text);
        parseEqualsPairs(text);
        parseColonPairs(text);
      }),
      { numRuns: 5000 },
    );
  });
  it('on arbitrary bytes decoded as UTF-8', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 2000 }), (bytes) => {
        parsePayload(Buffer.from(bytes).toString('utf8'));
      }),
      { numRuns: 3000 },
    );
  });
});
