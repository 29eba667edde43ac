/**
 * Secret redaction. Every text a connector emits (error messages, log lines, admin-facing check
 * messages) passes through a redactor built from the connector's configured secret values, and
 * always through the credential patterns below, which catch tokens the connector obtained itself.
 */
export const REDACTED = '[REDACTED]';

/** Shortest configured secret that is redacted on its own: shorter values would mangle ordinary text. */
const MIN_SECRET_LENGTH = 6;

/**
 * Shortest run of a secret (or of one of its forms) that marks an upstream identifier as carrying
 * it: an endpoint that echoes part of a token back is as hostile as one that echoes all of it.
 */
const MIN_FRAGMENT_LENGTH = 8;

/**
 * What an upstream identifier (request id, error id, correlation id) may look like to be kept:
 * Okta's request ids (`XkUpbE6DcV2rtlPXc0LrxgAABbw`), Graph's GUIDs, `req-9`. Anything else — spaces,
 * quotes, a header line, a body — is not an identifier an admin quotes to support, so it is dropped.
 */
const UPSTREAM_ID_PATTERN = /^[A-Za-z0-9._:-]{1,128}$/;

const CREDENTIAL_PATTERNS: readonly RegExp[] = [
  // Authorization schemes followed by a credential.
  /\b(Bearer|SSWS|Basic)\s+[A-Za-z0-9._~+/=-]{6,}/gi,
  // JSON Web Tokens (access tokens, client assertions).
  /\beyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*/g,
  // key=value and "key": "value" pairs whose key names a credential.
  /\b(client_secret|client_assertion|access_token|refresh_token|id_token|password|api[_-]?key|apiToken|token|secret|private[_-]?key)(["']?\s*[:=]\s*["']?)([^"'&\s,}]{4,})/gi,
  // PEM blocks (private keys), whole or cut short: an upstream that echoes the start of a key leaks it too.
  /-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?(?:-----END [A-Z ]*PRIVATE KEY-----|$)/g,
];

export interface Redactor {
  /**
   * The text with every secret value, every run of 8 or more characters of one (in any of its
   * forms, and of each line of a PEM body) and every credential-shaped substring replaced by `[REDACTED]`.
   */
  readonly redact: (text: string) => string;
  /** A deep copy of a JSON-like value with every string redacted. */
  readonly redactValue: <T>(value: T) => T;
  /**
   * Whether the text carries a secret: anything `redact` would replace, or any run of
   * 8 or more characters of a configured secret in one of its forms.
   */
  readonly containsSecret: (text: string) => boolean;
  /**
   * An upstream identifier as it may be stored and shown: kept only when it is identifier-shaped and
   * carries no secret, otherwise undefined (dropped, never echoed in part).
   */
  readonly upstreamId: (value: string | undefined) => string | undefined;
}

/**
 * The forms a secret travels in: as typed, URL-encoded, base64 (Basic auth, JSON blobs), base64url
 * (JWT parts, tokens in URLs) and hex (byte dumps, digests of buffers). The length rule applies to
 * the secret itself: a short value's encodings are longer, but just as likely to be ordinary text.
 */
function encodingsOf(secret: string): string[] {
  if (secret.length < MIN_SECRET_LENGTH) return [];
  const bytes = Buffer.from(secret, 'utf8');
  const hex = bytes.toString('hex');
  return [...new Set([secret, encodeURIComponent(secret), bytes.toString('base64'), bytes.toString('base64url'), hex, hex.toUpperCase()])];
}

/** Every run of exactly `length` characters of the text: two texts share a run of `length`+ exactly when they share one of these. */
function windowsOf(text: string, length: number): string[] {
  const windows: string[] = [];
  for (let start = 0; start + length <= text.length; start += 1) windows.push(text.slice(start, start + length));
  return windows;
}

const PEM_ARMOR = /^-----(BEGIN|END) [A-Z0-9 ]+-----$/;

/**
 * What fragments of a secret are cut from: each of its forms, and for a PEM value its body without
 * the armor (shared by every key, so not a sign of this one) — joined, and line by line in every
 * form, since an upstream that quotes a key quotes lines of it, raw or JSON-escaped.
 */
function fragmentSourcesOf(secret: string): string[] {
  const lines = secret.split(/\r?\n/).map((line) => line.trim()).filter((line) => line.length > 0);
  if (!lines.some((line) => PEM_ARMOR.test(line))) return encodingsOf(secret);
  const body = lines.filter((line) => !PEM_ARMOR.test(line));
  return [body.join(''), ...body].flatMap(encodingsOf);
}

/** Replaces every run of the text covered by windows found in `fragments` (overlapping runs merged) with `[REDACTED]`. */
function redactFragments(text: string, fragments: ReadonlySet<string>): string {
  if (fragments.size === 0 || text.length < MIN_FRAGMENT_LENGTH) return text;
  let out = '';
  let copiedTo = 0;
  let runEnd = -1;
  let runStart = -1;
  for (let start = 0; start + MIN_FRAGMENT_LENGTH <= text.length; start += 1) {
    if (!fragments.has(text.slice(start, start + MIN_FRAGMENT_LENGTH))) continue;
    if (start > runEnd) {
      if (runStart >= 0) {
        out += `${text.slice(copiedTo, runStart)}${REDACTED}`;
        copiedTo = runEnd;
      }
      runStart = start;
    }
    runEnd = start + MIN_FRAGMENT_LENGTH;
  }
  if (runStart < 0) return text;
  return `${out}${text.slice(copiedTo, runStart)}${REDACTED}${text.slice(runEnd)}`;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * Builds a redactor for the given secret values (plain, URL-encoded, base64, base64url and hex forms).
 * Longer values are replaced first so that a secret containing another is removed whole.
 */
export function createRedactor(secretValues: Iterable<string | undefined> = []): Redactor {
  const forms = [...new Set([...secretValues].flatMap((value) => (value ? encodingsOf(value) : [])))].sort(
    (a, b) => b.length - a.length,
  );
  const secretPattern = forms.length > 0 ? new RegExp(forms.map(escapeRegExp).join('|'), 'g') : undefined;
  const sources = [...new Set([...secretValues].flatMap((value) => (value ? fragmentSourcesOf(value) : [])))];
  const fragments = new Set(sources.flatMap((form) => windowsOf(form, MIN_FRAGMENT_LENGTH)));

  const redact = (text: string): string => {
    let out = secretPattern ? text.replace(secretPattern, REDACTED) : text;
    out = redactFragments(out, fragments);
    for (const pattern of CREDENTIAL_PATTERNS) {
      out = out.replace(pattern, (_match: string, ...groups: unknown[]) => {
        const [first, second] = groups;
        if (typeof first === 'string' && /^(Bearer|SSWS|Basic)$/i.test(first)) return `${first} ${REDACTED}`;
        if (typeof first === 'string' && typeof second === 'string') return `${first}${second}${REDACTED}`;
        return REDACTED;
      });
    }
    return out;
  };

  const redactValue = <T>(value: T): T => {
    if (typeof value === 'string') return redact(value) as T;
    if (Array.isArray(value)) return value.map((item: unknown) => redactValue(item)) as T;
    if (value !== null && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
      return Object.fromEntries(
        Object.entries(value as Record<string, unknown>).map(([key, item]) => [key, redactValue(item)]),
      ) as T;
    }
    return value;
  };

  const containsSecret = (text: string): boolean => redact(text) !== text;

  const upstreamId = (value: string | undefined): string | undefined =>
    value !== undefined && UPSTREAM_ID_PATTERN.test(value) && !containsSecret(value) ? value : undefined;

  return { redact, redactValue, containsSecret, upstreamId };
}

/** Redacts credential-shaped text only; used where the configured secrets are not known. */
export const patternRedactor: Redactor = createRedactor();
