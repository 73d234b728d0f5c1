/**
 * A secret value resolved from config (`{ env: NAME }` or `{ file: PATH }`). It prints as
 * `<secret>` everywhere (JSON, util.inspect, string coercion); only `reveal()` yields it.
 */
import { inspect } from 'node:util';

export class Secret {
  readonly #value: string;
  /** Where the value came from, safe to show ("env:SMTP_PASS"). */
  readonly origin: string;

  constructor(value: string, origin: string) {
    this.#value = value;
    this.origin = origin;
  }

  reveal(): string {
    return this.#value;
  }

  toJSON(): string {
    return '<secret>';
  }

  toString(): string {
    return '<secret>';
  }

  [inspect.custom](): string {
    return `<secret ${this.origin}>`;
  }
}
