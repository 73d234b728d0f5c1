/**
 * Error codes and the GatewayError class. Every code is listed once here with a one-line
 * description; callers branch on `err.code`, never on instanceof. The README error table is
 * kept in sync by a test.
 */

export const ERROR_CODES = {
  ERR_CONFIG_INVALID: 'the configuration file has errors',
  ERR_CONFIG_READ: 'a configuration or rule file could not be read',
  ERR_SYSLOG_MALFORMED: 'a syslog message could not be parsed and was kept as raw text or dropped',
  ERR_SYSLOG_EMPTY: 'an empty syslog datagram or frame was dropped',
  ERR_SYSLOG_OVERSIZE: 'a syslog frame was larger than the listener allows',
  ERR_SYSLOG_FRAMING: 'a TCP syslog frame had an invalid octet count or was cut off by the connection closing',
  ERR_SOURCE_REFUSED: 'a sender was refused by the allow-list or a connection limit',
  ERR_SOURCE_RATE_LIMITED: 'messages from a sender over its rate limit were dropped',
  ERR_TLS_HANDSHAKE: 'a TLS handshake failed, timed out, or the client certificate was not accepted',
  ERR_TLS_CERT: 'a TLS certificate, key or CA file could not be loaded',
  ERR_SNMP_MALFORMED: 'an SNMP datagram could not be decoded and was dropped',
  ERR_SNMP_REJECTED: 'an SNMP datagram was rejected (source, version, community, user, engine, level, auth, time window or PDU type)',
  ERR_MIB_LOAD: 'a MIB file could not be loaded and was skipped',
  ERR_LISTENER_BIND: 'a listener could not bind its address',
  ERR_LISTENER_SOCKET: 'a listener socket reported an error',
  ERR_QUEUE_FULL: 'the ingest queue, or a UDP listener\'s burst or socket buffer, was full and messages were dropped',
  ERR_CLASSIFY_FAILED: 'classifying an event failed; it was passed on as category other',
  ERR_OUTPUT_UNEXPECTED: 'an output threw instead of returning a delivery result (a bug)',
  ERR_OUTPUT_TIMEOUT: 'a delivery attempt did not finish within its timeout',
  ERR_EXEC_SPAWN: 'the hook command could not be started (missing or not executable)',
  ERR_EXEC_EXIT: 'the hook command exited with a non-zero status',
  ERR_EXEC_SIGNAL: 'the hook command was ended by a signal',
  ERR_EXEC_LIMIT: 'the hook held more processes than max_processes allows and was killed with its group',
  ERR_EXEC_ARG: 'a hook argument contained a NUL byte and cannot be passed',
  ERR_SMTP_CONNECT: 'an SMTP server could not be reached, timed out or dropped the connection (retried)',
  ERR_SMTP_TLS: 'TLS was required but not offered, the handshake failed or the server certificate was refused (retried)',
  ERR_SMTP_INSECURE_AUTH: 'credentials were not sent because the connection was not encrypted (retried)',
  ERR_SMTP_AUTH: 'the SMTP server refused the credentials',
  ERR_SMTP_TEMPORARY: 'the SMTP server answered with a temporary 4xx reply (retried)',
  ERR_SMTP_REJECTED: 'the SMTP server answered with a permanent 5xx reply',
  ERR_SMTP_RECIPIENTS: 'no recipient was valid, or the server rejected every recipient',
  ERR_SMTP_PROTOCOL: 'the SMTP server sent an unexpected reply (retried)',
  ERR_EMAIL_RENDER: 'the email message could not be built',
  ERR_TRAP_SEND: 'an outgoing trap or inform could not be sent (socket or name resolution error; retried)',
  ERR_TRAP_TIMEOUT: 'an inform was not acknowledged within its timeout and retries (retried)',
  ERR_TRAP_AUTH: 'an SNMPv3 receiver refused the user, its keys or its security level',
  ERR_TRAP_RELAY: 'the original trap could not be relayed unchanged (not kept whole when received, or a value its SMI type cannot encode)',
  ERR_DELIVERY_DEAD: 'a notification gave up after its maximum attempts or age',
  ERR_STORE_OPEN: 'the state directory or its database could not be opened',
  ERR_STORE_WRITE: 'a write to the state database failed (disk full?); it is kept in memory and retried',
  ERR_OUTBOX_FULL: 'the outbox reached store.max_outbox; the oldest lowest-severity notifications were dropped',
  ERR_POLICY_STATE_FULL: 'too many keys in one kind of route state; the oldest were forgotten',
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;

export class GatewayError extends Error {
  readonly code: ErrorCode;
  /** Whether trying again could help; undefined when it does not apply. */
  readonly retryable: boolean | undefined;

  constructor(code: ErrorCode, message: string, options: { retryable?: boolean; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'GatewayError';
    this.code = code;
    this.retryable = options.retryable;
  }
}
