/**
 * Email addresses: the one strict syntax every recipient and sender must pass before it
 * reaches a header or an SMTP command. Plain ASCII addr-spec only (no quoted local parts, no
 * comments, no display names from events), so nothing rendered from an event can carry a
 * line break, a second address or a header into the message.
 */

const LOCAL = /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*$/;
const DOMAIN = /^(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)*[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/;
const IP_LITERAL = /^\[(?:\d{1,3}(?:\.\d{1,3}){3}|IPv6:[0-9A-Fa-f:.]+)\]$/;

/** True for a plain `local@domain` address this gateway will put in a header and an RCPT TO. */
export function isValidAddress(address: string): boolean {
  if (address.length > 254) return false;
  const at = address.lastIndexOf('@');
  if (at <= 0 || at === address.length - 1) return false;
  const local = address.slice(0, at);
  const domain = address.slice(at + 1);
  return local.length <= 64 && LOCAL.test(local) && (DOMAIN.test(domain) || IP_LITERAL.test(domain));
}

/** Splits a recipients string as the consoles write it: `a@x; b@y`, commas and blanks too. */
export function splitRecipients(text: string): string[] {
  return text.split(/[;,\s]+/).map((s) => s.trim()).filter((s) => s.length > 0);
}

/** Sorts rendered recipients into valid (deduplicated, case of the domain kept) and invalid. */
export function partitionRecipients(rendered: readonly string[]): { valid: string[]; invalid: string[] } {
  const valid: string[] = [];
  const invalid: string[] = [];
  const seen = new Set<string>();
  for (const text of rendered) {
    for (const a of splitRecipients(text)) {
      if (!isValidAddress(a)) invalid.push(a);
      else if (!seen.has(a.toLowerCase())) {
        seen.add(a.toLowerCase());
        valid.push(a);
      }
    }
  }
  return { valid, invalid };
}

/** Parses a configured sender: `addr` or `Display Name <addr>`; undefined when invalid. */
export function parseSender(text: string): { name?: string; address: string } | undefined {
  const m = /^\s*(.*?)\s*<([^<>]+)>\s*$/.exec(text);
  const address = (m ? m[2]! : text).trim();
  if (!isValidAddress(address)) return undefined;
  const name = m?.[1]?.replace(/^"|"$/g, '').replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, ' ').trim();
  return name ? { name, address } : { address };
}

/** The domain part of an address. */
export function domainOf(address: string): string {
  return address.slice(address.lastIndexOf('@') + 1);
}
