/**
 * `%Keyword%` templates, the placeholder syntax the security consoles' admins already know.
 * `%%` is a literal percent sign. Compiled once at config load; an unknown keyword or a stray
 * `%` is a compile error, never a silent blank at send time.
 */

/** Keywords every template may use, whatever the rule that matched. */
export const BUILTIN_KEYWORDS = [
  'TimeStamp', 'ComputerName', 'ProgramName', 'Scanner', 'InfectedObject', 'VirusName',
  'ErrorDescription', 'Category', 'Severity', 'Host', 'Message', 'Rule', 'Count', 'Title',
  'EventId', 'NotificationId', 'Source', 'FirstSeen', 'LastSeen',
] as const;

export type TemplateData = Readonly<Record<string, string>>;

type Part = { readonly text: string } | { readonly key: string };

export interface Template {
  readonly source: string;
  readonly keywords: readonly string[];
  render(data: TemplateData): string;
  /** Renders with a lookup instead of a data object: no per-event object on hot paths. */
  renderWith(get: (key: string) => string | undefined): string;
}

export interface TemplateError {
  /** Offset of the problem inside the template text. */
  readonly offset: number;
  readonly message: string;
}

const KEYWORD = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * Compiles a template. `known` lists the keywords allowed (built-ins plus fields the rules
 * can produce); pass undefined to accept any well-formed keyword.
 */
export function compileTemplate(source: string, known?: ReadonlySet<string>): Template | TemplateError {
  const parts: Part[] = [];
  const keywords: string[] = [];
  let text = '';
  let i = 0;
  while (i < source.length) {
    const pct = source.indexOf('%', i);
    if (pct < 0) {
      text += source.slice(i);
      break;
    }
    text += source.slice(i, pct);
    if (source[pct + 1] === '%') {
      text += '%';
      i = pct + 2;
      continue;
    }
    const end = source.indexOf('%', pct + 1);
    const name = end < 0 ? '' : source.slice(pct + 1, end);
    if (end < 0 || !KEYWORD.test(name)) {
      return { offset: pct, message: `stray "%" at offset ${pct}: write %% for a literal percent sign` };
    }
    if (known && !known.has(name)) {
      return { offset: pct, message: `unknown keyword %${name}%` };
    }
    if (text) parts.push({ text });
    text = '';
    parts.push({ key: name });
    keywords.push(name);
    i = end + 1;
  }
  if (text) parts.push({ text });
  return {
    source,
    keywords,
    render(data) {
      let out = '';
      for (const p of parts) out += 'text' in p ? p.text : (data[p.key] ?? '');
      return out;
    },
    renderWith(get) {
      let out = '';
      for (const p of parts) out += 'text' in p ? p.text : (get(p.key) ?? '');
      return out;
    },
  };
}

/** Type guard separating a compile error from a template. */
export function isTemplateError(t: Template | TemplateError): t is TemplateError {
  return 'message' in t && !('render' in t);
}
