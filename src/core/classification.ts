/**
 * Classification: what the classifier decided about one event. `Classified` pairs it with
 * the event and is what the route stage consumes.
 */
import type { GatewayEvent } from './event.js';
import type { Severity } from './severity.js';

/** Built-in categories (shared/DESIGN.md); config may add more. */
export const BUILTIN_CATEGORIES = [
  'system-status', 'update', 'virus', 'smart-protection', 'virtual-analyzer', 'other',
] as const;

export type ClassificationState = 'problem' | 'recovery' | 'event';

export interface Classification {
  /** The rule that matched, or null when none did (category `other`). */
  readonly ruleId: string | null;
  readonly category: string;
  readonly severity: Severity;
  readonly title: string;
  readonly state: ClassificationState;
  /** What makes two events "the same" for dedup and problem/recovery pairing. */
  readonly key: string;
  /** Named values for templates (VirusName, ComputerName, ...). */
  readonly fields: Readonly<Record<string, string>>;
  /** Set when a rule said `drop: true`: the event is counted and goes no further. */
  readonly drop?: boolean;
}

export interface Classified {
  readonly event: GatewayEvent;
  readonly classification: Classification;
}
