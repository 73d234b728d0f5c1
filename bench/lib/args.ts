/**
 * Command-line options for the bench scripts: `--name value` pairs and bare `--flag`s,
 * typed by the defaults object. Unknown options are an error (a typo must not silently
 * measure something else).
 */

export function parseOptions<T extends Record<string, string | number | boolean>>(argv: readonly string[], defaults: T, help: string): T {
  const o: Record<string, string | number | boolean> = { ...defaults };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '-h' || a === '--help') {
      process.stdout.write(help);
      process.exit(0);
    }
    if (!a.startsWith('--')) throw new Error(`unexpected argument ${a}\n${help}`);
    const key = a.slice(2);
    if (!(key in o)) throw new Error(`unknown option ${a}\n${help}`);
    if (typeof o[key] === 'boolean') {
      o[key] = true;
      continue;
    }
    const v = argv[++i];
    if (v === undefined) throw new Error(`missing value for ${a}`);
    if (typeof o[key] === 'number') {
      const n = Number(v);
      if (!Number.isFinite(n)) throw new Error(`${a} needs a number, got ${v}`);
      o[key] = n;
    } else o[key] = v;
  }
  return o as T;
}

/** A list option: "10000,50000,0" → [10000, 50000, 0]. */
export function numberList(text: string): number[] {
  return text.split(',').filter((s) => s.trim() !== '').map(Number);
}
