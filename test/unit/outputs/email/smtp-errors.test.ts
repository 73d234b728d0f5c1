import assert from 'node:assert/strict';
import { test } from 'node:test';
import { classifySmtpFailure, describeFailure, failureError, type SmtpFailure } from '../../../../src/outputs/email/smtp-errors.js';

const f = (o: Partial<SmtpFailure>): SmtpFailure => ({ code: 'ECONNECTION', message: 'x', step: 'connect', server: 'mx:25', ...o });

test('the retry table: connection, timeout, TLS and 4xx retry; 5xx, EAUTH and EENVELOPE fail', () => {
  const cases: [Partial<SmtpFailure>, boolean, string][] = [
    [{ code: 'ECONNECTION', systemCode: 'ECONNREFUSED' }, true, 'ERR_SMTP_CONNECT'],
    [{ code: 'ETIMEDOUT' }, true, 'ERR_SMTP_CONNECT'],
    [{ code: 'ESOCKET', systemCode: 'ECONNRESET' }, true, 'ERR_SMTP_CONNECT'],
    [{ code: 'EDNS', systemCode: 'ENOTFOUND' }, true, 'ERR_SMTP_CONNECT'],
    [{ code: 'ESOCKET', systemCode: 'DEPTH_ZERO_SELF_SIGNED_CERT' }, true, 'ERR_SMTP_TLS'],
    [{ code: 'ETLS', responseCode: 502, command: 'STARTTLS' }, true, 'ERR_SMTP_TLS'],
    [{ code: 'ETLSREQUIRED', step: 'tls' }, true, 'ERR_SMTP_TLS'],
    [{ code: 'EINSECUREAUTH', step: 'auth' }, true, 'ERR_SMTP_INSECURE_AUTH'],
    [{ code: 'ECONNECTION', responseCode: 421, command: 'CONN' }, true, 'ERR_SMTP_TEMPORARY'],
    [{ code: 'EENVELOPE', responseCode: 451, command: 'RCPT TO', step: 'envelope' }, true, 'ERR_SMTP_TEMPORARY'],
    [{ code: 'EMESSAGE', responseCode: 452, command: 'DATA', step: 'data' }, true, 'ERR_SMTP_TEMPORARY'],
    [{ code: 'EAUTH', responseCode: 454, command: 'AUTH PLAIN', step: 'auth' }, true, 'ERR_SMTP_AUTH'],
    [{ code: 'EAUTH', responseCode: 535, command: 'AUTH PLAIN', step: 'auth' }, false, 'ERR_SMTP_AUTH'],
    [{ code: 'EAUTH', step: 'auth' }, false, 'ERR_SMTP_AUTH'],
    [{ code: 'EENVELOPE', responseCode: 550, command: 'RCPT TO' }, false, 'ERR_SMTP_RECIPIENTS'],
    [{ code: 'EENVELOPE', responseCode: 553, command: 'MAIL FROM' }, false, 'ERR_SMTP_REJECTED'],
    [{ code: 'EENVELOPE' }, false, 'ERR_SMTP_RECIPIENTS'],
    [{ code: 'EMESSAGE', responseCode: 554, command: 'DATA' }, false, 'ERR_SMTP_REJECTED'],
    [{ code: 'EPROTOCOL' }, true, 'ERR_SMTP_PROTOCOL'],
    [{ code: 'EABORT' }, true, 'ERR_OUTPUT_TIMEOUT'],
  ];
  for (const [input, retry, code] of cases) {
    assert.deepEqual(classifySmtpFailure(f(input)), { retry, code }, JSON.stringify(input));
  }
});

test('the message keeps server, step, command and reply on one line', () => {
  const line = describeFailure(f({ code: 'EENVELOPE', step: 'envelope', responseCode: 550, command: 'RCPT TO', response: '550 5.1.1 no\r\nsuch user' }));
  assert.equal(line, 'mx:25 envelope: RCPT TO → 550 5.1.1 no such user');
  const { error, retry } = failureError([f({ server: 'a:25', systemCode: 'ECONNREFUSED', message: 'connect failed' }), f({ server: 'b:25', code: 'EMESSAGE', responseCode: 554, command: 'DATA', response: '554 no' })]);
  assert.equal(retry, false);
  assert.equal(error.code, 'ERR_SMTP_REJECTED');
  assert.equal(error.message, 'all 2 servers failed: a:25 connect: connect failed (ECONNREFUSED); b:25 connect: DATA → 554 no');
});
