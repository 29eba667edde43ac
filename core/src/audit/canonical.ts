/**
 * RFC 8785 (JSON Canonicalization Scheme): object keys sorted by UTF-16 code units, no
 * whitespace, strings and numbers exactly as ECMAScript's JSON.stringify writes them.
 *
 * This is the audit chain's hot path (every append and every verify canonicalizes an event), so
 * it is written out here instead of calling the general-purpose `canonicalize` package, at about
 * half its cost: plain printable strings skip JSON.stringify, and an event's fixed top-level
 * fields are laid out in their sorted order directly. Property tests prove both functions
 * produce exactly the bytes `canonicalize` (the reference) produces, for any input.
 */

/** Strings of printable ASCII without `"` or `\` need no escaping. */
const PLAIN = /^[\x20\x21\x23-\x5b\x5d-\x7e]*$/;

function quote(text: string): string {
  if (PLAIN.test(text)) return `"${text}"`;
  // Lone surrogates are not text: the reference implementation refuses them too.
  if (/\p{Surrogate}/u.test(text)) throw new TypeError('A lone surrogate cannot be canonicalized.');
  return JSON.stringify(text);
}

function number(value: number): string {
  if (!Number.isFinite(value)) throw new TypeError(`${value} is not JSON.`);
  // Number::toString is what JSON.stringify (and so RFC 8785) writes for finite numbers.
  return String(value);
}

/** Object keys repeat from event to event (refs, data fields): quote each once. */
const quotedKeys = new Map<string, string>();

function quoteKey(key: string): string {
  let quoted = quotedKeys.get(key);
  if (quoted === undefined) {
    quoted = quote(key);
    if (quotedKeys.size < 10_000) quotedKeys.set(key, quoted);
  }
  return quoted;
}

function serialize(input: unknown): string | undefined {
  let value = input;
  if (value !== null && typeof value === 'object' && typeof (value as { toJSON?: unknown }).toJSON === 'function') {
    value = (value as { toJSON: () => unknown }).toJSON();
  }
  switch (typeof value) {
    case 'string':
      return quote(value);
    case 'number':
      return number(value);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'object': {
      if (value === null) return 'null';
      if (Array.isArray(value)) {
        let out = '[';
        for (let index = 0; index < value.length; index += 1) out += `${index > 0 ? ',' : ''}${serialize(value[index]) ?? 'null'}`;
        return `${out}]`;
      }
      const record = value as Record<string, unknown>;
      let out = '{';
      let first = true;
      for (const key of Object.keys(record).sort()) {
        const item = serialize(record[key]);
        if (item === undefined) continue;
        out += `${first ? '' : ','}${quoteKey(key)}:${item}`;
        first = false;
      }
      return `${out}}`;
    }
    default:
      // undefined, functions and symbols: left out of objects, null in arrays (as JSON.stringify does).
      return undefined;
  }
}

export function canonicalJson(value: unknown): string {
  const text = serialize(value);
  if (text === undefined) throw new TypeError('Only JSON values can be canonicalized.');
  return text;
}

/** The hashed fields of an audit event, in RFC 8785 form (its seven keys in sorted order). */
export function canonicalEventFields(fields: {
  readonly seq: number;
  readonly at: number;
  readonly actor: string;
  readonly type: string;
  readonly refs: unknown;
  readonly data: unknown;
  readonly policyVersion: number;
}): string {
  return (
    `{"actor":${quote(fields.actor)},"at":${number(fields.at)},"data":${canonicalJson(fields.data)},` +
    `"policyVersion":${number(fields.policyVersion)},"refs":${canonicalJson(fields.refs)},"seq":${number(fields.seq)},"type":${quote(fields.type)}}`
  );
}
