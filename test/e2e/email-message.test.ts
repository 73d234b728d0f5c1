/**
 * What arrives at a real SMTP server (smtp-server) and how mailparser reads it: charsets and
 * transfer encodings round trip (German, Japanese), invalid UTF-8 from a syslog line arrives
 * as valid UTF-8 (B3), a body with "\r\n.\r\n" arrives whole,
 * digests carry their events as an attachment, the SMS profile, HTML escaping, recipients
 * from event fields, and header injection through event fields (TEST-PLAN B5, over SMTP).
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import fc from 'fast-check';
import { syslogEvent } from '../../src/listeners/syslog/normalize.js';
import { emailChannel, item, notification, signal } from '../helpers/email.js';
import { startSink, type Sink } from '../helpers/smtp-sink.js';
import { tempDir } from '../helpers/temp.js';

const dir = tempDir({ after }, 'eventgate-email-message-');
const GERMAN = 'Grüße aus Köln: Virus „Äöü-ß“ gefunden';
const JAPANESE = 'ウイルスを検出しました：東京のサーバー';

async function sendVia(sink: Sink, channelYaml: string, ns: ReturnType<typeof notification>[], extra?: string) {
  const ch = emailChannel(dir, `type: email\nsmtp: { servers: ["127.0.0.1:${sink.port}"], tls: none }\n${channelYaml}`, extra ? { extra } : {});
  const results = [];
  for (const n of ns) results.push(await ch.output.send(n, signal()));
  await ch.output.close();
  return results;
}

const text = (s: string | undefined) => (s ?? '').replace(/\r\n/g, '\n').replace(/\n$/, '');

test('charsets and transfer encodings round trip German and Japanese text', async () => {
  const cases = [
    { charset: 'utf-8', encoding: 'quoted-printable', message: `${GERMAN}\n${JAPANESE}` },
    { charset: 'utf-8', encoding: 'base64', message: `${GERMAN}\n${JAPANESE}` },
    { charset: 'iso-8859-1', encoding: 'quoted-printable', message: GERMAN.replace(/[„“]/g, '"') },
    { charset: 'windows-1252', encoding: 'quoted-printable', message: GERMAN },
    { charset: 'shift_jis', encoding: 'base64', message: JAPANESE },
  ];
  const sink = await startSink();
  for (const c of cases) {
    const [d] = await sendVia(sink, `to: soc@example.com\nsubject: "%Message%"\nbody: "%Message%"\ncharset: ${c.charset}\ntransfer_encoding: ${c.encoding}`,
      [notification({}, [item({ message: c.message })])]);
    assert.equal(d!.status, 'sent');
    const m = sink.messages.at(-1)!;
    const raw = m.raw.toString('latin1');
    assert.match(raw, new RegExp(`Content-Type: text/plain; charset=${c.charset}`, 'i'), c.charset);
    assert.match(raw, new RegExp(`Content-Transfer-Encoding: ${c.encoding}`, 'i'));
    assert.equal(text(m.parsed.text), c.message, `${c.charset}/${c.encoding} body`);
    assert.equal(m.parsed.subject, c.message.replace(/\n/g, ' '), `${c.charset} subject`);
  }
  await sink.close();
});

test('characters a charset cannot hold become "?" rather than broken bytes', async () => {
  const sink = await startSink();
  await sendVia(sink, `to: soc@example.com\nbody: "%Message%"\ncharset: iso-8859-1`, [notification({}, [item({ message: `Köln ${JAPANESE.slice(0, 2)}` })])]);
  assert.equal(text(sink.messages[0]!.parsed.text), 'Köln ??');
  await sink.close();
});

test('B3: a syslog line with invalid UTF-8 becomes a valid UTF-8 mail in its declared transfer encoding', async () => {
  const bytes = Buffer.concat([Buffer.from('<12>Nov 22 10:00:00 fs01 avscan: Virus found: caf'), Buffer.from([0xe9, 0xff, 0xc3]), Buffer.from(' in /srv/x on PC-1')]);
  const { event } = syslogEvent(bytes, { id: 'b3', now: Date.now(), listener: 'udp', peer: { address: '127.0.0.1', port: 514, transport: 'udp' } })!;
  assert.match(event.message, /caf\uFFFD+ in/, 'decoded with replacement characters');
  const sink = await startSink();
  for (const encoding of ['quoted-printable', 'base64']) {
    await sendVia(sink, `to: soc@example.com\nsubject: "%Message%"\nbody: "%Message%"\ntransfer_encoding: ${encoding}`, [notification({}, [item({ message: event.message })])]);
    const m = sink.messages.at(-1)!;
    assert.ok(![...m.raw].some((b) => b > 0x7e || (b < 0x20 && b !== 0x0d && b !== 0x0a && b !== 0x09)), `${encoding}: 7-bit on the wire`);
    const type = m.parsed.headers.get('content-type') as { value: string; params: Record<string, string> };
    assert.equal(type.params.charset?.toLowerCase(), 'utf-8', 'declared charset');
    assert.equal(text(m.parsed.text), event.message, `${encoding}: the text as decoded`);
    assert.equal(Buffer.from(text(m.parsed.text), 'utf8').toString('utf8'), text(m.parsed.text), 'valid UTF-8');
  }
  await sink.close();
});

test('a body containing "\\r\\n.\\r\\n" and lines of dots arrives whole', async () => {
  const sink = await startSink();
  const message = 'first\r\n.\r\nsecond\r\n..\r\n.third\r\n.';
  for (const enc of ['quoted-printable', 'base64']) {
    await sendVia(sink, `to: soc@example.com\nbody: "%Message%"\ntransfer_encoding: ${enc}`, [notification({}, [item({ message })])]);
    assert.equal(text(sink.messages.at(-1)!.parsed.text), message.replace(/\r\n/g, '\n'), enc);
  }
  await sink.close();
});

test('a digest carries its events as an attached text file, one JSON object per event', async () => {
  const sink = await startSink();
  const items = [item(), item({ host: 'PC-0043' }), item({ host: 'PC-0044', message: 'line\r\nBcc: x@y' })];
  const n = notification({ kind: 'digest' }, items);
  await sendVia(sink, 'to: soc@example.com\nhtml: "<p>%Title% on %ComputerName%</p>"', [n]);
  const m = sink.messages[0]!;
  assert.equal(m.parsed.attachments.length, 1);
  const a = m.parsed.attachments[0]!;
  assert.equal(a.filename, 'events.txt');
  const lines = a.content.toString('utf8').trim().split('\n').map((l) => JSON.parse(l) as { eventId: string; message: string });
  assert.deepEqual(lines.map((l) => l.eventId), items.map((i) => i.eventId));
  assert.equal(lines[2]!.message, 'line\r\nBcc: x@y');
  assert.match(String(m.parsed.html), /<p>Virus EICAR-Test-File found on PC-0042<\/p>/);
  assert.match(m.parsed.text ?? '', /Events: +3/);
  await sink.close();
});

test('SMS profile: one line cut to max_length, no attachment, no HTML', async () => {
  const sink = await startSink();
  const long = 'x'.repeat(400);
  const n = notification({ kind: 'digest' }, [item({ title: `Virus\r\nfound ${long}` }), item()]);
  await sendVia(sink, 'to: "+4917012345@sms.example.com"\nhtml: "<b>no</b>"\nsms: { max_length: 160 }', [notification({ title: `Virus\r\nfound ${long}` }), n]);
  for (const m of sink.messages) {
    const body = text(m.parsed.text);
    assert.ok([...body].length <= 160, `${body.length} chars`);
    assert.doesNotMatch(body, /\n/);
    assert.match(body, /^critical virus PC-0042: Virus found x+$/);
    assert.equal(m.parsed.attachments.length, 0);
    assert.equal(m.parsed.html, false);
  }
  await sink.close();
});

test('HTML bodies escape event values', async () => {
  const sink = await startSink();
  await sendVia(sink, 'to: soc@example.com\nhtml: "<p>%Message%</p>"', [notification({}, [item({ message: '<script>alert(1)</script> & "q"' })])]);
  assert.match(String(sink.messages[0]!.parsed.html), /<p>&lt;script&gt;alert\(1\)&lt;\/script&gt; &amp; &quot;q&quot;<\/p>/);
  await sink.close();
});

test('recipients from event fields: valid ones added, anything else skipped', async () => {
  const sink = await startSink();
  const n = notification({}, [item({ fields: { ...item().fields, Owner: 'bob@example.com; not an address\r\nBcc: <x@y>' } })]);
  // A rule that extracts Owner makes %Owner% a known keyword.
  writeFileSync(join(dir, 'owner.yaml'), 'rules:\n  - { id: owner, match: { message: "owner (?<Owner>\\\\S+)" }, category: virus }\n');
  const [d] = await sendVia(sink, 'from: gw@example.com\nto: ["soc@example.com", "%Owner%"]', [n], 'rules: [owner.yaml]\n');
  assert.equal(d!.status, 'sent');
  assert.deepEqual(sink.messages[0]!.to, ['soc@example.com', 'bob@example.com']);
  assert.equal(sink.messages[0]!.parsed.headers.get('bcc'), undefined);
  await sink.close();
});

const HEADERS = ['auto-submitted', 'content-transfer-encoding', 'content-type', 'date', 'from', 'message-id', 'mime-version', 'subject', 'to', 'x-eventgate-category', 'x-eventgate-id', 'x-eventgate-severity'];

test('B5: no event field can add a header, a recipient or a MIME part (fast-check, over SMTP)', async () => {
  const sink = await startSink();
  const ch = emailChannel(dir, `type: email\nsmtp: { servers: ["127.0.0.1:${sink.port}"], tls: none }\nfrom: gw@example.com\nto: [soc@example.com, noc@example.com]\nsubject: "[%Severity%] %VirusName% on %ComputerName%: %Title%"`);
  const nasty = fc.oneof(
    fc.constantFrom('\r\nBcc: evil@example.net', '\nX-Injected: 1', '\rTo: evil@example.net', '\0', '\u2028Bcc: a@b.c', '\r\n\r\n--boundary\r\nContent-Type: text/html\r\n\r\n<b>', '\r\n.\r\nMAIL FROM:<x@y>', 'x'.repeat(10_000)),
    fc.string({ unit: 'binary', maxLength: 200 }),
  );
  const field = fc.array(nasty, { minLength: 1, maxLength: 4 }).map((parts) => parts.join(''));
  let runs = 0;
  await fc.assert(fc.asyncProperty(field, field, field, async (title, host, virus) => {
    runs++;
    const n = notification({ title }, [item({ title, host, fields: { ComputerName: host, VirusName: virus } })]);
    const before = sink.messages.length;
    const d = await ch.output.send(n, signal());
    assert.equal(d.status, 'sent');
    const m = sink.messages[before]!;
    assert.deepEqual([...m.parsed.headers.keys()].sort(), HEADERS);
    assert.deepEqual(m.to, ['soc@example.com', 'noc@example.com']);
    assert.equal(m.parsed.attachments.length, 0);
    assert.doesNotMatch(String(m.parsed.subject), /[\r\n\0\u2028]/);
    assert.equal(m.parsed.headers.get('x-eventgate-id'), n.id);
  }), { numRuns: 300, seed: 7 });
  await ch.output.close();
  await sink.close();
  assert.equal(runs, 300);
  assert.equal(sink.rcpts.length, 600);
});
