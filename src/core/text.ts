/**
 * Text hygiene for untrusted values: control characters made visible, lengths bounded.
 * Used wherever network-supplied text is shown to a person (log lines, titles, headers).
 */

// C0 controls except TAB, DEL, C1 controls, and the Unicode line/paragraph separators.
const CONTROL = /[\u0000-\u0008\u000a-\u001f\u007f-\u009f\u2028\u2029]/g;

/** Replaces control characters with a visible `\xNN` / `\uNNNN` escape. */
export function escapeControls(text: string): string {
  if (!anyControl(text)) return text;
  return text.replace(CONTROL, (c) => {
    const code = c.charCodeAt(0);
    return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
  });
}

/** CONTROL by character code: most text has none, and a loop finds that out cheaper than replace. */
function anyControl(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x20 ? c !== 0x09 : c >= 0x7f ? c <= 0x9f || c === 0x2028 || c === 0x2029 : false) return true;
  }
  return false;
}

/** True when the text contains a control character that escapeControls would rewrite. */
export function hasControls(text: string): boolean {
  CONTROL.lastIndex = 0;
  const found = CONTROL.test(text);
  CONTROL.lastIndex = 0;
  return found;
}

/** Cuts text to at most `max` UTF-16 units, marking the cut with an ellipsis. */
export function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  return text.slice(0, Math.max(0, max - 1)) + '…';
}

/** Decodes bytes as UTF-8, replacing invalid sequences with U+FFFD (never throws). */
export function decodeUtf8(bytes: Uint8Array): string {
  return utf8.decode(bytes);
}

const utf8 = new TextDecoder('utf-8', { fatal: false, ignoreBOM: true });
