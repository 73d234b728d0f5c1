import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isValidAddress, parseSender, partitionRecipients } from '../../../../src/outputs/email/recipients.js';

test('addresses: plain addr-spec only', () => {
  for (const ok of ['a@b.c', 'soc.team+av@example.com', 'x@[127.0.0.1]', "o'hara@example.org", '4917012345@sms.example.com']) assert.ok(isValidAddress(ok), ok);
  for (const bad of ['', '@x.y', 'a@', 'a b@c.d', 'a@b.c\r\nBcc: x@y', '<a@b.c>', '"q"@b.c', 'a@b..c', 'a@-b.c', 'a,b@c.d', 'a@b.c\0', 'a@b\u2028.c', `${'a'.repeat(65)}@b.c`]) {
    assert.ok(!isValidAddress(bad), JSON.stringify(bad));
  }
});

test('recipient lists: ";" as the consoles write them, commas and blanks too; deduplicated', () => {
  assert.deepEqual(partitionRecipients(['soc@example.com; oncall@example.com;', 'SOC@example.com, x y@z']), {
    valid: ['soc@example.com', 'oncall@example.com', 'y@z'],
    invalid: ['x'],
  });
});

test('senders: address or "Name <address>"; a line break makes it invalid', () => {
  assert.deepEqual(parseSender('gw@example.com'), { address: 'gw@example.com' });
  assert.deepEqual(parseSender('"Event Gate" <gw@example.com>'), { name: 'Event Gate', address: 'gw@example.com' });
  assert.equal(parseSender('Gate\r\nBcc: x <gw@example.com>'), undefined);
  assert.equal(parseSender('nobody'), undefined);
});
