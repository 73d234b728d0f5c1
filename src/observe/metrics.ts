/**
 * The gateway's metrics, on a prom-client registry owned by one gateway instance (never the
 * global default). Labels are bounded: listener, channel, rule and category ids come from
 * config, reasons and formats from fixed lists; never a host or message text.
 */
import { Gauge, Histogram, Registry } from 'prom-client';
import { FastCounter } from './fast-counter.js';

/** Queued → confirmed, in seconds: from sub-second hooks to hours of SMTP outage. */
const LATENCY_BUCKETS = [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 1800, 3600, 21600];

export function createMetrics() {
  const registry = new Registry();
  const counter = <L extends string>(name: string, help: string, labelNames: readonly L[]) =>
    new FastCounter<L>({ name, help, labelNames, registers: [registry] });
  return {
    registry,
    received: counter('eventgate_received_messages_total', 'Messages received by a listener', ['listener'] as const),
    parsed: counter('eventgate_parsed_messages_total', 'Messages parsed, by detected format', ['listener', 'format'] as const),
    malformed: counter('eventgate_malformed_messages_total', 'Messages with a part that could not be parsed (kept leniently)', ['listener', 'reason'] as const),
    dropped: counter('eventgate_dropped_messages_total', 'Messages dropped before classification', ['listener', 'reason'] as const),
    payloads: counter('eventgate_syslog_payloads_total', 'Syslog messages whose body was parsed as a vendor payload, by format', ['listener', 'format'] as const),
    frameOversize: counter('eventgate_syslog_frame_oversize_total', 'TCP/TLS syslog frames over max_frame (the connection is closed)', ['listener'] as const),
    connectionsAccepted: counter('eventgate_syslog_connections_accepted_total', 'TCP/TLS syslog connections accepted (TLS: handshake done)', ['listener'] as const),
    connectionsRejected: counter('eventgate_syslog_connections_rejected_total', 'TCP/TLS syslog connections refused or failed, by reason', ['listener', 'reason'] as const),
    connectionsPaused: counter('eventgate_syslog_connection_pauses_total', 'Times a TCP/TLS connection stopped reading because the ingest queue was full (backpressure)', ['listener'] as const),
    buffered: new Gauge({ name: 'eventgate_listener_buffered_datagrams', help: 'Datagrams received and waiting in a UDP listener\'s burst buffer', labelNames: ['listener'] as const, registers: [registry] }),
    connectionsOpen: new Gauge({ name: 'eventgate_syslog_connections', help: 'TCP/TLS syslog connections open', labelNames: ['listener'] as const, registers: [registry] }),
    // rule: the id of the rule that decided the category, "" when none matched (ids come from config: bounded).
    classified: counter('eventgate_classified_events_total', 'Events classified, by category and deciding rule', ['category', 'rule'] as const),
    notificationsQueued: counter('eventgate_notifications_queued_total', 'Notifications written to the outbox', ['channel'] as const),
    notificationsSent: counter('eventgate_notifications_sent_total', 'Notifications confirmed by their output', ['channel'] as const),
    notificationsRetried: counter('eventgate_notifications_retried_total', 'Delivery attempts that will be retried', ['channel', 'code'] as const),
    notificationsDead: counter('eventgate_notifications_dead_total', 'Notifications given up after their attempts or age', ['channel', 'code'] as const),
    snmpAccepted: counter('eventgate_snmp_accepted_total', 'SNMP notifications accepted, by version and PDU (trap, inform)', ['listener', 'version', 'pdu'] as const),
    snmpRejected: counter('eventgate_snmp_rejected_total', 'SNMP datagrams rejected, by reason', ['listener', 'reason'] as const),
    snmpResponses: counter('eventgate_snmp_responses_sent_total', 'SNMP responses sent: ack (accepted inform) or report (v3 discovery)', ['listener', 'kind'] as const),
    // Receive → committed (classified, routed, notifications in the outbox), per event. The
    // clock has millisecond resolution, so the first bucket is 1 ms. Read by bench/.
    ingestLatency: new Histogram({
      name: 'eventgate_ingest_latency_seconds', help: 'Time from receiving an event to committing its classification and notifications',
      buckets: [0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10], registers: [registry],
    }),
    outboxDropped: counter('eventgate_outbox_dropped_total', 'Notifications dropped because the outbox reached its bound', ['channel', 'severity'] as const),
    storeWriteFailed: counter('eventgate_store_write_failed_total', 'Writes to the state database that failed (kept in memory and retried)', ['op'] as const),
    storeHealthy: new Gauge({ name: 'eventgate_store_healthy', help: '1 when the last write to the state database succeeded', registers: [registry] }),
    storeSync: new Histogram({
      name: 'eventgate_store_sync_seconds', help: 'Duration of each fsync of the state database\'s write-ahead log (off the event loop)',
      buckets: [0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 1], registers: [registry],
    }),
    historyLost: counter('eventgate_history_lost_events_total', 'Event history rows given up while the state database could not be written', [] as const),
    suppressed: counter('eventgate_notifications_suppressed_total', 'Notifications held back by policy', ['channel', 'reason'] as const),
    silenced: counter('eventgate_silenced_events_total', 'Events held back by a silence', [] as const),
    outboxDepth: new Gauge({ name: 'eventgate_outbox_depth', help: 'Notifications waiting for delivery', labelNames: ['channel'] as const, registers: [registry] }),
    deliveryLatency: new Histogram({ name: 'eventgate_delivery_latency_seconds', help: 'Time from queueing a notification to its confirmed delivery', labelNames: ['channel'] as const, buckets: LATENCY_BUCKETS, registers: [registry] }),
    internalEvents: counter('eventgate_internal_events_total', 'Self-monitoring events raised into the pipeline', ['kind'] as const),
    internalSuppressed: counter('eventgate_internal_events_suppressed_total', 'Self-monitoring events held back by the rate limit or the loop guard', ['kind', 'reason'] as const),
    configReloads: counter('eventgate_config_reloads_total', 'Configuration reloads, by result (ok, rejected)', ['result'] as const),
    configGeneration: new Gauge({ name: 'eventgate_config_generation', help: 'Configuration generation in use (1 at start, +1 per reload)', registers: [registry] }),
  };
}

export type Metrics = ReturnType<typeof createMetrics>;
