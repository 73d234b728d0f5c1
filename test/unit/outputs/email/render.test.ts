import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { simpleParser } from 'mailparser';
import { compileTemplate, type Template } from '../../../../src/core/template.js';
import { headerText, renderMessage, smsText, type RenderOptions } from '../../../../src/outputs/email/render.js';
import { item, notification } from '../../../helpers/email.js';

const tpl = (s: string) => compileTemplate(s) as Template;
const options: RenderOptions = {
  from: { name: 'Gate', address: 'gw@example.com' },
  charset: 'utf-8',
  transferEncoding: 'quoted-printable',
  messageIdDomain: 'example.com',
  attachEvents: true,
  templatesFor: () => ({ subject: tpl('[%Severity%] %VirusName% on %ComputerName%: %Title%'), body: tpl('%Message%') }),
};
const HEADERS = ['auto-submitted', 'content-transfer-encoding', 'content-type', 'date', 'from', 'message-id', 'mime-version', 'subject', 'to', 'x-eventgate-category', 'x-eventgate-id', 'x-eventgate-severity'];

test('header text is one bounded line', () => {
  assert.equal(headerText('a\r\nBcc: b\0c\u2028d\u0085e'), 'a Bcc: b c d e');
  assert.equal([...headerText('é'.repeat(400))].length, 250);
  assert.equal(smsText('a\r\n  b\tc', 3), 'a b');
});

test('B5 property: event fields never add a header, recipient or MIME part (5,000 runs)', async () => {
  const nasty = fc.oneof(
    fc.constantFrom('\r\nBcc: evil@example.net', '\nX-Injected: 1', '\r', '\0', '\u2028', '\u2029Cc: a@b.c', '\r\n\r\n', 'x'.repeat(10_000)),
    fc.string({ unit: 'binary', maxLength: 100 }),
  );
  const field = fc.array(nasty, { minLength: 1, maxLength: 3 }).map((p) => p.join(''));
  await fc.assert(fc.asyncProperty(field, field, field, field, async (title, host, virus, message) => {
    const n = notification({ title }, [item({ title, host, message, fields: { ComputerName: host, VirusName: virus } })]);
    const { raw, messageId } = await renderMessage(n, ['soc@example.com', 'noc@example.com'], options);
    // Every header line of the top-level header block is one we wrote (continuations start with a blank).
    const head = raw.toString('latin1').split('\r\n\r\n')[0]!;
    const names = head.split('\r\n').filter((l) => !/^[ \t]/.test(l)).map((l) => l.slice(0, l.indexOf(':')).toLowerCase());
    assert.deepEqual(names.sort(), HEADERS);
    const parsed = await simpleParser(raw);
    assert.deepEqual([...parsed.headers.keys()].sort(), HEADERS);
    assert.equal(parsed.messageId, messageId);
    assert.deepEqual((Array.isArray(parsed.to) ? parsed.to : [parsed.to]).flatMap((t) => t!.value.map((v) => v.address)), ['soc@example.com', 'noc@example.com']);
    assert.equal(parsed.attachments.length, 0);
  }), { numRuns: 5000, seed: 42 });
});
