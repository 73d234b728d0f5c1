/**
 * A small reader of JavaScript regex syntax, for two facts about a rule pattern: the
 * literal substrings every match must contain (a cheap prefilter run before the regex),
 * and whether a repeated group contains an unbounded repetition (the nested-quantifier
 * shape that backtracks catastrophically). Conservative: when unsure it finds fewer
 * literals, never a literal that a match could lack. Pure.
 */

interface Quant {
  readonly min: number;
  readonly max: number; // Infinity when unbounded
}

type Atom =
  | { readonly t: 'char'; readonly c: string }
  | { readonly t: 'set' } // class, dot, \d, \w, ...
  | { readonly t: 'assert' } // ^ $ \b \B, lookarounds
  | { readonly t: 'backref' }
  | { readonly t: 'group'; readonly alts: Term[][] };

interface Term {
  readonly atom: Atom;
  readonly q: Quant;
}

const ONE: Quant = { min: 1, max: 1 };
const CLASS_ESCAPES = new Set(['d', 'D', 'w', 'W', 's', 'S', 'p', 'P']);
const CONTROL_ESCAPES: Record<string, string> = { n: '\n', r: '\r', t: '\t', f: '\f', v: '\v', '0': '\0' };

class Reader {
  i = 0;
  constructor(readonly src: string) {}

  alternation(): Term[][] {
    const alts: Term[][] = [[]];
    while (this.i < this.src.length) {
      const c = this.src[this.i]!;
      if (c === ')') break;
      if (c === '|') {
        this.i++;
        alts.push([]);
        continue;
      }
      const atom = this.atom();
      alts[alts.length - 1]!.push({ atom, q: this.quantifier() });
    }
    return alts;
  }

  private atom(): Atom {
    const s = this.src;
    const c = s[this.i++]!;
    if (c === '(') {
      let lookaround = false;
      if (s[this.i] === '?') {
        const next = s[this.i + 1];
        if (next === ':') this.i += 2;
        else if (next === '=' || next === '!') { this.i += 2; lookaround = true; }
        else if (next === '<' && (s[this.i + 2] === '=' || s[this.i + 2] === '!')) { this.i += 3; lookaround = true; }
        else if (next === '<') this.i = s.indexOf('>', this.i) + 1 || s.length;
        else this.i += 1; // modifiers or unknown: treat the rest as a plain group
      }
      const alts = this.alternation();
      this.i++; // ')'
      return lookaround ? { t: 'assert' } : { t: 'group', alts };
    }
    if (c === '[') {
      while (this.i < s.length && s[this.i] !== ']') this.i += s[this.i] === '\\' ? 2 : 1;
      this.i++;
      return { t: 'set' };
    }
    if (c === '.') return { t: 'set' };
    if (c === '^' || c === '$') return { t: 'assert' };
    if (c === '\\') {
      const e = s[this.i++] ?? '';
      if (e === 'b' || e === 'B') return { t: 'assert' };
      if (/[1-9]/.test(e) || (e === 'k' && s[this.i] === '<')) {
        if (e === 'k') this.i = s.indexOf('>', this.i) + 1 || s.length;
        return { t: 'backref' };
      }
      if (CLASS_ESCAPES.has(e)) {
        if ((e === 'p' || e === 'P') && s[this.i] === '{') this.i = s.indexOf('}', this.i) + 1 || s.length;
        return { t: 'set' };
      }
      if (e in CONTROL_ESCAPES) return { t: 'char', c: CONTROL_ESCAPES[e]! };
      if (e === 'x' || e === 'u' || e === 'c') {
        // Hex, unicode and control escapes: the character is not worth decoding for a prefilter.
        if (e === 'u' && s[this.i] === '{') this.i = s.indexOf('}', this.i) + 1 || s.length;
        else this.i += e === 'x' ? 2 : e === 'u' ? 4 : 1;
        return { t: 'set' };
      }
      return { t: 'char', c: e };
    }
    return { t: 'char', c };
  }

  private quantifier(): Quant {
    const s = this.src;
    const c = s[this.i];
    let q: Quant | undefined;
    if (c === '*') q = { min: 0, max: Infinity };
    else if (c === '+') q = { min: 1, max: Infinity };
    else if (c === '?') q = { min: 0, max: 1 };
    if (q) this.i++;
    else if (c === '{') {
      const m = /^\{(\d+)(,(\d*))?\}/.exec(s.slice(this.i));
      if (!m) return ONE;
      this.i += m[0].length;
      const min = Number(m[1]);
      q = { min, max: m[2] === undefined ? min : m[3] === '' ? Infinity : Number(m[3]) };
    } else return ONE;
    if (s[this.i] === '?') this.i++; // lazy
    return q;
  }
}

function parse(source: string): Term[][] {
  const r = new Reader(source);
  const alts = r.alternation();
  return alts;
}

/**
 * What every match of one alternative must contain, as sets: each set lists literals of
 * which at least one occurs (a single-element set is a plain required literal).
 */
function sequenceLiterals(terms: readonly Term[], out: string[][]): void {
  let run = '';
  const flush = () => {
    if (run) out.push([run]);
    run = '';
  };
  for (const { atom, q } of terms) {
    if (atom.t === 'assert') continue; // zero-width: the text on either side stays adjacent
    if (q.min === 0) {
      flush();
      continue;
    }
    if (atom.t === 'char') {
      run += atom.c;
      if (q.max !== 1) flush(); // "a+" guarantees one "a", and then maybe more
      continue;
    }
    if (atom.t === 'group' && atom.alts.length === 1) {
      const inner = atom.alts[0]!;
      const pure = q.max === 1 && inner.every((t) => t.atom.t === 'char' && t.q.min === 1 && t.q.max === 1);
      if (pure) {
        run += inner.map((t) => (t.atom as { c: string }).c).join('');
        continue;
      }
      flush();
      sequenceLiterals(inner, out);
      continue;
    }
    flush();
    if (atom.t === 'group') {
      const choice = alternativesLiteral(atom.alts);
      if (choice) out.push(choice);
    }
  }
  flush();
}

/** One literal per alternative (its longest), when every alternative has one. */
function alternativesLiteral(alts: readonly Term[][]): string[] | undefined {
  const choice: string[] = [];
  for (const alt of alts) {
    const sets: string[][] = [];
    sequenceLiterals(alt, sets);
    const best = sets.filter((x) => x.length === 1 && x[0]!.length >= 2).map((x) => x[0]!).sort((a, b) => b.length - a.length)[0];
    if (!best) return undefined;
    choice.push(best);
  }
  return choice;
}

/**
 * Literal sets every match must satisfy (each: at least one of its literals occurs),
 * lower-cased when the regex ignores case; strongest first (a plain literal before a
 * choice, longer before shorter). Empty when nothing useful is required.
 */
export function requiredLiteralSets(source: string, ignoreCase: boolean): string[][] {
  let alts: Term[][];
  try {
    alts = parse(source);
  } catch {
    return [];
  }
  const out: string[][] = [];
  if (alts.length === 1) sequenceLiterals(alts[0]!, out);
  else {
    const choice = alternativesLiteral(alts);
    if (choice) out.push(choice);
  }
  const norm = (l: string) => (ignoreCase ? l.toLowerCase() : l);
  const seen = new Set<string>();
  const sets: string[][] = [];
  for (const set of out) {
    if (set.some((l) => l.length < 2)) continue;
    const clean = [...new Set(set.map(norm))];
    const key = clean.join('\0');
    if (seen.has(key)) continue;
    seen.add(key);
    sets.push(clean);
  }
  const weight = (set: string[]) => (set.length === 1 ? 1000 : 0) + Math.min(...set.map((l) => l.length));
  return sets.sort((a, b) => weight(b) - weight(a));
}

/** Plain literals (single-element sets) every match must contain, longest first. */
export function requiredLiterals(source: string, ignoreCase: boolean): string[] {
  return requiredLiteralSets(source, ignoreCase).filter((s) => s.length === 1).map((s) => s[0]!);
}

function hasUnbounded(alts: readonly Term[][]): boolean {
  return alts.some((terms) => terms.some((t) => t.q.max === Infinity || (t.atom.t === 'group' && hasUnbounded(t.atom.alts))));
}

function findNested(alts: readonly Term[][]): boolean {
  for (const terms of alts) {
    for (const t of terms) {
      if (t.atom.t !== 'group') continue;
      if (t.q.max > 1 && hasUnbounded(t.atom.alts)) return true;
      if (findNested(t.atom.alts)) return true;
    }
  }
  return false;
}

/**
 * The shape check run before any deeper analysis: a repeated group (`*`, `+`, `{n,}`,
 * `{n,m}` with m > 1) containing an unbounded repetition, as in `(a+)+`, `(\w+\s?)*` or
 * `(.*a){25}`. Returns a reason, or undefined when the shape is fine.
 */
export function nestedQuantifier(source: string): string | undefined {
  try {
    return findNested(parse(source)) ? 'a repeated group contains an unbounded repetition (nested quantifier)' : undefined;
  } catch {
    return undefined;
  }
}

/** Names of the named capture groups in a regex. */
export function groupNames(regex: RegExp): string[] {
  const probe = new RegExp(`(?:${regex.source})|`, regex.flags.replace('g', ''));
  return Object.keys(probe.exec('')?.groups ?? {});
}
