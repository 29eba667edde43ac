import { createHash } from 'node:crypto';

/** Forge KVS keys: 1–500 characters of `[a-zA-Z0-9:._\s-#]`, not only whitespace. */
export const MAX_KEY_LENGTH = 500;

const SAFE = /[A-Za-z0-9:._-]/;

/**
 * Turns a core id into a KVS key, injectively: safe characters stay, every other UTF-16 code
 * unit (including `#` itself, whitespace and lone surrogates) becomes `#` and four hex digits. Core ids carry
 * emails, group names and account ids, so any character can occur. An id whose encoding would
 * pass 500 characters keeps a readable prefix and ends in its SHA-256, which stays unique; the
 * record keeps its real id in its value.
 */
export function encodeKey(id: string): string {
  let encoded = '';
  for (let index = 0; index < id.length; index += 1) {
    const char = id.charAt(index);
    encoded += SAFE.test(char) ? char : `#${id.charCodeAt(index).toString(16).padStart(4, '0')}`;
  }
  if (encoded.length === 0) return '#empty';
  if (encoded.length <= MAX_KEY_LENGTH) return encoded;
  const digest = createHash('sha256').update(Buffer.from(id, 'utf16le')).digest('hex');
  return `${encoded.slice(0, MAX_KEY_LENGTH - digest.length - 3)}##h${digest}`;
}
