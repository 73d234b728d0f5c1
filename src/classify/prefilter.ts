/**
 * The rule index: for an event, the rules worth trying, in rule order, without touching
 * a regex. Rules are bucketed by kind, then by app name (syslog) or exact trap OID
 * (traps); within a bucket a rule is skipped when a literal it requires is absent from
 * the message (all literals found in one pass per event). Sound: a rule is
 * only skipped when its conditions could not hold. Pure.
 */
import type { GatewayEvent } from '../core/event.js';
import type { CompiledRule } from './compile.js';
import { normalizeOid } from './oid.js';

export interface RuleIndex {
  /** Rule positions (into the rule list) worth trying for this event, ascending. */
  candidates(event: GatewayEvent): readonly number[];
  /** Per rule, the literal sets it requires: each a list of literal ids, one must occur. */
  readonly ruleLiterals: readonly (readonly (readonly number[])[])[];
  readonly literals: readonly { readonly text: string; readonly ignoreCase: boolean }[];
}

function bucketed(
  rules: readonly CompiledRule[],
  wanted: (r: CompiledRule) => boolean,
  keysOf: (r: CompiledRule) => ReadonlySet<string> | undefined,
): { byKey: Map<string, number[]>; rest: number[] } {
  const keys = new Set<string>();
  for (const r of rules) if (wanted(r)) keysOf(r)?.forEach((k) => keys.add(k));
  const byKey = new Map<string, number[]>();
  for (const k of keys) byKey.set(k, []);
  const rest: number[] = [];
  rules.forEach((r, i) => {
    if (!wanted(r)) return;
    const ks = keysOf(r);
    if (!ks) {
      rest.push(i);
      for (const list of byKey.values()) list.push(i);
    } else {
      for (const k of ks) byKey.get(k)!.push(i);
    }
  });
  return { byKey, rest };
}

export function buildIndex(rules: readonly CompiledRule[]): RuleIndex {
  const syslog = bucketed(rules, (r) => r.hints.kind !== 'trap', (r) => r.hints.appNames);
  const trap = bucketed(rules, (r) => r.hints.kind !== 'syslog', (r) => r.hints.trapOids);
  const literalIds = new Map<string, number>();
  const literals: { text: string; ignoreCase: boolean }[] = [];
  const idOf = (text: string, ignoreCase: boolean) => {
    const key = `${ignoreCase ? 'i' : 'c'}:${text}`;
    let id = literalIds.get(key);
    if (id === undefined) {
      id = literals.length;
      literalIds.set(key, id);
      literals.push({ text, ignoreCase });
    }
    return id;
  };
  const ruleLiterals = rules.map((r) => r.hints.literals.map((set) => set.texts.map((t) => idOf(t, set.ignoreCase))));
  return {
    ruleLiterals,
    literals,
    candidates(event) {
      if (event.kind === 'trap') {
        const oid = event.trap ? normalizeOid(event.trap.trapOid) : '';
        return trap.byKey.get(oid) ?? trap.rest;
      }
      const app = event.syslog?.appName;
      return (app !== undefined ? syslog.byKey.get(app.toLowerCase()) : undefined) ?? syslog.rest;
    },
  };
}

/**
 * A multi-literal matcher (Aho-Corasick over UTF-16 code units, as `includes` compares):
 * one pass over a text marks every literal that occurs in it. Transitions are a dense table
 * over character classes (chars that occur in no literal share class 0, which leads to the
 * root). The table holds row offsets, negated (bitwise) for states where a literal ends, so
 * a step is two array reads and a sign test.
 */
interface Automaton {
  readonly ascii: Uint16Array;
  readonly other: ReadonlyMap<number, number>;
  readonly classes: number;
  /** delta[row + class]: the next state's row (state * classes), or ~row when literals end there. */
  readonly delta: Int32Array;
  /** Literal ids ending at state s (own and via suffix links): outIds[outStart[s]..outStart[s+1]). */
  readonly outStart: Uint32Array;
  readonly outIds: Uint32Array;
}

function buildAutomaton(patterns: readonly { readonly id: number; readonly text: string }[]): Automaton {
  const ascii = new Uint16Array(128);
  const other = new Map<number, number>();
  let classes = 1;
  const classOf = (c: number) => {
    if (c < 128) return ascii[c]! || (ascii[c] = classes++);
    let k = other.get(c);
    if (k === undefined) other.set(c, (k = classes++));
    return k;
  };
  const next: Map<number, number>[] = [new Map()];
  const own: number[][] = [[]];
  for (const { id, text } of patterns) {
    let s = 0;
    for (let i = 0; i < text.length; i++) {
      const k = classOf(text.charCodeAt(i));
      let t = next[s]!.get(k);
      if (t === undefined) {
        t = next.length;
        next.push(new Map());
        own.push([]);
        next[s]!.set(k, t);
      }
      s = t;
    }
    own[s]!.push(id);
  }
  const n = next.length;
  const delta = new Uint32Array(n * classes);
  const rows = new Int32Array(n * classes);
  const fail = new Uint32Array(n);
  const out: number[][] = own.map((o) => [...o]);
  // Breadth first, so a state's suffix link and its transitions are final before its children's.
  const queue: number[] = [];
  for (const [k, t] of next[0]!) {
    delta[k] = t;
    queue.push(t);
  }
  for (let q = 0; q < queue.length; q++) {
    const s = queue[q]!;
    const f = fail[s]!;
    for (let k = 0; k < classes; k++) delta[s * classes + k] = delta[f * classes + k]!;
    for (const [k, t] of next[s]!) {
      fail[t] = delta[f * classes + k]!;
      delta[s * classes + k] = t;
      queue.push(t);
    }
    if (out[f]!.length) out[s]!.push(...out[f]!);
  }
  // Row offsets instead of state numbers, flagged where a literal ends (see Automaton.delta).
  const row = (t: number) => (out[t]!.length ? ~(t * classes) : t * classes);
  for (let i = 0; i < delta.length; i++) rows[i] = row(delta[i]!);
  const outStart = new Uint32Array(n + 1);
  for (let s = 0; s < n; s++) outStart[s + 1] = outStart[s]! + out[s]!.length;
  const outIds = new Uint32Array(outStart[n]!);
  for (let s = 0; s < n; s++) outIds.set(out[s]!, outStart[s]!);
  return { ascii, other, classes, delta: rows, outStart, outIds };
}

/**
 * The class table of `a` for reading text as if lower-cased: `A`-`Z` take the classes of
 * `a`-`z`. For ASCII text this is exactly what `toLowerCase` would feed the automaton.
 */
function foldedAscii(a: Automaton): Uint16Array {
  const t = Uint16Array.from(a.ascii);
  for (let c = 0x41; c <= 0x5a; c++) t[c] = a.ascii[c + 0x20]!;
  return t;
}

/**
 * Scans `text` as its lower-cased form without making it, for as long as the text is ASCII
 * (lower-casing is per character there). False when a non-ASCII character stops it: the
 * caller scans the real lower-cased text then (marks made so far are right: the ASCII
 * prefix lower-cases to the start of that text).
 */
function scanFoldedAscii(a: Automaton, table: Uint16Array, text: string, found: Uint32Array, gen: number): boolean {
  const { classes, delta, outStart, outIds } = a;
  let row = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 128) return false;
    row = delta[row + table[c]!]!;
    if (row < 0) {
      row = ~row;
      const s = row / classes;
      const end = outStart[s + 1]!;
      for (let j = outStart[s]!; j < end; j++) found[outIds[j]!] = gen;
    }
  }
  return true;
}

/** Marks `found[id] = gen` for every literal of `a` that occurs in `text`. */
function scan(a: Automaton, text: string, found: Uint32Array, gen: number): void {
  const { ascii, other, classes, delta, outStart, outIds } = a;
  let row = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    row = delta[row + (c < 128 ? ascii[c]! : (other.get(c) ?? 0))]!;
    if (row < 0) {
      row = ~row;
      const s = row / classes;
      const end = outStart[s + 1]!;
      for (let j = outStart[s]!; j < end; j++) found[outIds[j]!] = gen;
    }
  }
}

/**
 * Per-event literal answers. The first question about a case-sensitive literal scans the
 * message once for all of them; the first about an ignore-case literal scans the lower-cased
 * message once (an ASCII message is read folded, without making its lower-cased copy).
 * `has` is then an array read.
 */
export function literalMemo(index: RuleIndex): { reset(message: string, lower: () => string): void; has(id: number): boolean; hasAny(ids: readonly number[]): boolean } {
  const n = index.literals.length;
  const pattern = (ci: boolean) => index.literals.flatMap((l, id) => (l.ignoreCase === ci && l.text !== '' ? [{ id, text: l.text }] : []));
  const exact = buildAutomaton(pattern(false));
  const folded = buildAutomaton(pattern(true));
  const foldTable = foldedAscii(folded);
  const empty = index.literals.flatMap((l, id) => (l.text === '' ? [id] : []));
  const found = new Uint32Array(n);
  const ignoreCase = Uint8Array.from(index.literals, (l) => (l.ignoreCase ? 1 : 0));
  let gen = 0;
  let scannedExact = false;
  let scannedFolded = false;
  let message = '';
  let lower: () => string = () => '';
  function has(id: number): boolean {
    if (ignoreCase[id] === 1) {
      if (!scannedFolded) {
        scannedFolded = true;
        if (!scanFoldedAscii(folded, foldTable, message, found, gen)) scan(folded, lower(), found, gen);
      }
    } else if (!scannedExact) {
      scannedExact = true;
      scan(exact, message, found, gen);
    }
    return found[id] === gen;
  }
  return {
    reset(m, l) {
      message = m;
      lower = l;
      scannedExact = false;
      scannedFolded = false;
      gen = (gen + 1) >>> 0;
      if (gen === 0) {
        found.fill(0);
        gen = 1;
      }
      for (const id of empty) found[id] = gen;
    },
    has,
    hasAny(ids) {
      for (let i = 0; i < ids.length; i++) if (has(ids[i]!)) return true;
      return false;
    },
  };
}
