/**
 * Text decoding per listener. UTF-8 (the default) replaces invalid sequences with U+FFFD;
 * any other charset iconv-lite knows (Shift_JIS, windows-1252, ...) is decoded by it. Only
 * the text for rules is decoded: the raw bytes of the event stay exactly as received.
 */
import iconv from 'iconv-lite';
import { decodeUtf8 } from '../../core/text.js';

export type Decoder = (bytes: Uint8Array) => string;

/** True when `charset` names an encoding the listener can decode. */
export function charsetSupported(charset: string): boolean {
  return iconv.encodingExists(charset);
}

/** A decoder for `charset`; UTF-8 aliases use the built-in decoder. */
export function createDecoder(charset: string): Decoder {
  if (/^utf-?8$/i.test(charset)) return decodeUtf8;
  if (!iconv.encodingExists(charset)) throw new Error(`unknown charset "${charset}"`);
  return (bytes) => iconv.decode(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), charset);
}
