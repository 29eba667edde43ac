/**
 * An in-process Forge KVS / Custom Entity Store, answering the REST calls `@forge/kvs` makes
 * through `globalThis.__forge_fetch__`, so the real SDK code runs in tests. It follows the
 * documented behaviour the adapter depends on:
 *
 * - a missing key answers 404 `KEY_NOT_FOUND` (the SDK turns it into `undefined`);
 * - keys: non-empty, ≤ 500 characters of `[a-zA-Z0-9:._\s-#]`; values ≤ 240 KiB, depth ≤ 32;
 * - custom entities must be declared (from the app's manifest) and values must hold only declared
 *   attributes of the declared types, a `string` never empty or all whitespace (400
 *   `INVALID_ENTITY_VALUE`); queries name a declared index, give its partition, page 1–100 items
 *   ordered by the range attribute (then key), and continue from opaque cursors. An item missing an
 *   index attribute is left out of that index (DynamoDB's sparse indexes; Forge does not document
 *   it, and the adapter does not rely on it);
 * - transactions: ≤ 25 operations, each key once, ≤ 4 MB, conditions only on custom entities,
 *   every condition checked against the stored value before anything is applied, all or nothing;
 * - plain and secret writes: `keyPolicy: 'FAIL_IF_EXISTS'` on a live key answers 409 and writes nothing (atomic: of
 *   concurrent writers exactly one wins); `ttl: { value, unit }` (SECONDS | MINUTES | HOURS | DAYS)
 *   expires the value that long after it is written, after which the key reads as missing and may
 *   be written again. The fake expires on the dot of the fake clock (`now`); the platform deletes
 *   expired values lazily, which callers must tolerate ("may be forgotten").
 *
 * Where the platform's exact error code is undocumented (a failed transaction condition, a bad
 * cursor, a malformed TTL), the fake picks one; the adapter never depends on those codes. The
 * FAIL_IF_EXISTS refusal is the measured one (`KEY_CONFLICT`, HTTP 409: "Forge KVS locking:
 * FAIL_IF_EXISTS vs TTL leases", https://hashnode.com/posts/forge-kvs-locking-failifexists-vs-ttl-leases/6aad018918f3424d9a9ae29b);
 * callers should rely on the status, not the code.
 *
 * Attribute types and limits: https://developer.atlassian.com/platform/forge/runtime-reference/custom-entities/
 * (Limitations → Values); error codes: https://developer.atlassian.com/platform/forge/storage-reference/handling-errors-customentities/;
 * set options (`ttl`, `keyPolicy`): https://developer.atlassian.com/platform/forge/rest/v2/api-group-forge-kvs/
 * and https://developer.atlassian.com/platform/forge/runtime-reference/storage-api-secret (TTL "applies an
 * expiry to a value, starting from the time it is written").
 */
import { bodyOf, empty, forgeError, isRecord, json, type FetchInit } from './http';

export type AttributeType = 'string' | 'boolean' | 'float' | 'integer' | 'any';

export interface EntityDeclaration {
  readonly name: string;
  readonly attributes: Readonly<Record<string, { readonly type: AttributeType }>>;
  readonly indexes?: ReadonlyArray<{ readonly name: string; readonly range: readonly string[]; readonly partition?: readonly string[] }>;
}

type StoredValue = unknown;
type Condition = { property: string; condition: string; values: unknown[] };

export const KVS_LIMITS = {
  keyLength: 500,
  valueBytes: 240 * 1024,
  depth: 32,
  transactionOperations: 25,
  transactionBytes: 4 * 1024 * 1024,
  pageMin: 1,
  pageMax: 100,
  defaultPage: 10,
} as const;

const KEY_PATTERN = /^(?!\s+$)[a-zA-Z0-9:._\s\-#]+$/;

class KvsFailure extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

function fail(status: number, code: string, message: string): never {
  throw new KvsFailure(status, code, message);
}

function depthOf(value: unknown): number {
  if (Array.isArray(value)) return 1 + Math.max(0, ...value.map(depthOf));
  if (isRecord(value)) return 1 + Math.max(0, ...Object.values(value).map(depthOf));
  return 0;
}

function checkKey(key: unknown): string {
  if (typeof key !== 'string' || key.length === 0) fail(400, 'EMPTY_KEY', 'Key cannot be empty.');
  if (key.length > KVS_LIMITS.keyLength) fail(400, 'KEY_TOO_LONG', `The provided key has exceeded the maximum ${KVS_LIMITS.keyLength} characters.`);
  if (!KEY_PATTERN.test(key)) fail(400, 'INVALID_KEY', 'The provided key does not match the allowed pattern.');
  return key;
}

function checkValue(value: unknown): void {
  if (value === undefined) fail(400, 'INVALID_VALUE', 'A value is required.');
  if (Buffer.byteLength(JSON.stringify(value)) > KVS_LIMITS.valueBytes) fail(400, 'MAX_SIZE', 'The provided value has exceeded the maximum size limit.');
  if (depthOf(value) > KVS_LIMITS.depth) fail(400, 'MAX_DEPTH', 'The provided value has exceeded the maximum object depth (32) limit.');
}

function typeMatches(type: AttributeType, value: unknown): boolean {
  switch (type) {
    case 'any':
      return true;
    case 'string':
      // "Must contain at least one non-whitespace character · Must not be empty" (the `string` row
      // of the Values table): '' and '  ' are off the type, which the error page answers INVALID_ENTITY_VALUE.
      return typeof value === 'string' && /\S/.test(value);
    case 'boolean':
      return typeof value === 'boolean';
    case 'integer':
      // The platform stores integers as 32-bit signed values.
      return typeof value === 'number' && Number.isInteger(value) && value >= -2_147_483_648 && value <= 2_147_483_647;
    case 'float':
      // Zero, or a magnitude the platform's number type holds.
      return typeof value === 'number' && Number.isFinite(value) && (value === 0 || (Math.abs(value) >= 1e-130 && Math.abs(value) < 1e126));
  }
}

/** DynamoDB-like ordering: numbers numerically, strings by UTF-8 bytes, numbers before strings. */
export function compareScalars(a: unknown, b: unknown): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'string' && typeof b === 'string') return Buffer.compare(Buffer.from(a), Buffer.from(b));
  if (typeof a === 'boolean' && typeof b === 'boolean') return Number(a) - Number(b);
  const rank = (value: unknown) => (typeof value === 'number' ? 0 : typeof value === 'string' ? 1 : 2);
  return rank(a) - rank(b);
}

function sameType(a: unknown, b: unknown): boolean {
  return typeof a === typeof b && (typeof a === 'string' || typeof a === 'number');
}

function evaluate(condition: Condition, stored: StoredValue): boolean {
  const present = isRecord(stored) && condition.property in stored;
  const actual = isRecord(stored) ? stored[condition.property] : undefined;
  const [first, second] = condition.values;
  switch (condition.condition) {
    case 'EXISTS':
      return present;
    case 'NOT_EXISTS':
      return !present;
    case 'EQUAL_TO':
      return present && actual === first;
    case 'NOT_EQUAL_TO':
      return present && actual !== first;
    case 'GREATER_THAN':
      return present && sameType(actual, first) && compareScalars(actual, first) > 0;
    case 'GREATER_THAN_EQUAL_TO':
      return present && sameType(actual, first) && compareScalars(actual, first) >= 0;
    case 'LESS_THAN':
      return present && sameType(actual, first) && compareScalars(actual, first) < 0;
    case 'LESS_THAN_EQUAL_TO':
      return present && sameType(actual, first) && compareScalars(actual, first) <= 0;
    case 'BETWEEN':
      return present && sameType(actual, first) && sameType(actual, second) && compareScalars(actual, first) >= 0 && compareScalars(actual, second) <= 0;
    case 'BEGINS_WITH':
      return present && typeof actual === 'string' && typeof first === 'string' && actual.startsWith(first);
    case 'CONTAINS':
      return present && typeof actual === 'string' && typeof first === 'string' && actual.includes(first);
    case 'NOT_CONTAINS':
      return present && typeof actual === 'string' && typeof first === 'string' && !actual.includes(first);
    default:
      return fail(400, 'INVALID_CONDITION', `Unknown condition ${condition.condition}.`);
  }
}

function parseConditions(raw: unknown): { operator: 'and' | 'or'; items: Condition[] } | undefined {
  if (raw === undefined) return undefined;
  if (!isRecord(raw)) return fail(400, 'INVALID_CONDITION', 'Conditions must be an object.');
  const hasAnd = Array.isArray(raw.and);
  const hasOr = Array.isArray(raw.or);
  if (hasAnd && hasOr) fail(400, 'INVALID_FILTER_OPERATORS_COMBINATION', 'Filter operators "and" and "or" cannot be present at the same level.');
  const items: unknown = hasAnd ? raw.and : raw.or;
  if (!Array.isArray(items) || items.length === 0) fail(400, 'EMPTY_FILTER_OPERATOR', 'Filter operators "and" and "or" cannot be empty.');
  const conditions = items.map((item: unknown): Condition => {
    if (!isRecord(item) || typeof item.property !== 'string' || typeof item.condition !== 'string' || !Array.isArray(item.values)) {
      return fail(400, 'INVALID_CONDITION', 'Each condition names a property, a condition and its values.');
    }
    if (item.condition === 'BETWEEN' && item.values.length < 2) fail(400, 'INSUFFICIENT_FILTER_VALUES', 'The specified condition needs at least two values.');
    return { property: item.property, condition: item.condition, values: item.values as unknown[] };
  });
  return { operator: hasAnd ? 'and' : 'or', items: conditions };
}

function holds(conditions: ReturnType<typeof parseConditions>, stored: StoredValue): boolean {
  if (!conditions) return true;
  return conditions.operator === 'and' ? conditions.items.every((item) => evaluate(item, stored)) : conditions.items.some((item) => evaluate(item, stored));
}

function encodeCursor(index: string, range: unknown, key: string): string {
  return Buffer.from(JSON.stringify({ index, range, key })).toString('base64url');
}

function decodeCursor(cursor: string, index: string): { range: unknown; key: string } {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (isRecord(parsed) && parsed.index === index && typeof parsed.key === 'string' && 'range' in parsed) return { range: parsed.range, key: parsed.key };
  } catch {
    // answered below
  }
  return fail(400, 'INVALID_CURSOR', 'The cursor is not valid for this query.');
}

const TTL_UNIT_MS: Readonly<Record<string, number>> = { SECONDS: 1_000, MINUTES: 60_000, HOURS: 3_600_000, DAYS: 86_400_000 };

/** A set's `ttl` option in milliseconds; undefined when none is given. */
function ttlOf(options: unknown): number | undefined {
  const ttl = isRecord(options) ? options.ttl : undefined;
  if (ttl === undefined) return undefined;
  const unitMs = isRecord(ttl) && typeof ttl.unit === 'string' ? TTL_UNIT_MS[ttl.unit] : undefined;
  if (!isRecord(ttl) || unitMs === undefined || typeof ttl.value !== 'number' || !Number.isInteger(ttl.value) || ttl.value < 1) {
    return fail(400, 'INVALID_TTL', 'A TTL is { value: a positive integer, unit: SECONDS | MINUTES | HOURS | DAYS }.');
  }
  return ttl.value * unitMs;
}

export class FakeKvs {
  private readonly plain = new Map<string, StoredValue>();
  private readonly secrets = new Map<string, StoredValue>();
  private readonly entities = new Map<string, Map<string, StoredValue>>();
  private readonly schema: ReadonlyMap<string, EntityDeclaration>;
  /** Every call by path, to prove what the adapter asked for. */
  readonly calls: Array<{ path: string; body: unknown }> = [];
  private readonly faults: Array<{ path: string; response: () => Response }> = [];
  /** When each plain or secret key with a TTL expires (epoch ms), per namespace. */
  private readonly expiries = new Map<Map<string, StoredValue>, Map<string, number>>();
  /** The fake's clock for TTLs; a test moves it to expire values. */
  now: () => number = () => Date.now();

  constructor(entities: readonly EntityDeclaration[]) {
    this.schema = new Map(entities.map((entity) => [entity.name, entity]));
    for (const entity of entities) this.entities.set(entity.name, new Map());
  }

  /** Makes the next call to `path` answer `response` instead (a transient outage, a rate limit). */
  failNext(path: string, response: () => Response): void {
    this.faults.push({ path, response });
  }

  /** Every stored key and value, in a stable order: compared before and after to prove nothing changed. */
  snapshot(): string {
    const sorted = (map: Map<string, StoredValue>) => [...map.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return JSON.stringify({
      kvs: sorted(this.plain),
      secret: sorted(this.secrets),
      ttl: [...this.expiries.entries()].map(([map, expiries]) => [map === this.secrets ? 'secret' : 'kvs', [...expiries.entries()].sort(([a], [b]) => (a < b ? -1 : 1))]),
      entities: [...this.entities.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([name, map]) => [name, sorted(map)]),
    });
  }

  /** Puts back what `snapshot()` took: a test builds a world once and starts each case from it. */
  restore(snapshot: string): void {
    const parsed = JSON.parse(snapshot) as {
      kvs: Array<[string, StoredValue]>;
      secret: Array<[string, StoredValue]>;
      ttl?: Array<['kvs' | 'secret', Array<[string, number]>]>;
      entities: Array<[string, Array<[string, StoredValue]>]>;
    };
    this.plain.clear();
    this.secrets.clear();
    this.expiries.clear();
    for (const [key, value] of parsed.kvs) this.plain.set(key, value);
    for (const [key, value] of parsed.secret) this.secrets.set(key, value);
    for (const [namespace, entries] of parsed.ttl ?? []) this.expiries.set(namespace === 'secret' ? this.secrets : this.plain, new Map(entries));
    for (const map of this.entities.values()) map.clear();
    for (const [name, entries] of parsed.entities) {
      const map = this.entityMap(name);
      for (const [key, value] of entries) map.set(key, value);
    }
  }

  /** Secret values as stored, for tests that prove a secret never leaves secret storage. */
  secretValues(): string[] {
    return [...this.secrets.values()].map((value) => (typeof value === 'string' ? value : JSON.stringify(value)));
  }

  entityValues(entityName: string): ReadonlyMap<string, StoredValue> {
    return this.entities.get(entityName) ?? new Map();
  }

  handle(path: string, init: FetchInit | undefined): Response {
    const body = bodyOf(init);
    this.calls.push({ path, body });
    const faultIndex = this.faults.findIndex((fault) => fault.path === path);
    if (faultIndex >= 0) {
      const [fault] = this.faults.splice(faultIndex, 1);
      if (fault) return fault.response();
    }
    try {
      return this.route(path, isRecord(body) ? body : {});
    } catch (error) {
      if (error instanceof KvsFailure) return forgeError(error.status, error.code, error.message);
      throw error;
    }
  }

  private route(path: string, body: Record<string, unknown>): Response {
    switch (path) {
      case '/api/v1/get':
        return this.getFrom(this.plain, body);
      case '/api/v1/set':
        return this.setIn(this.plain, body);
      case '/api/v1/delete':
        return this.deleteFrom(this.plain, body);
      case '/api/v1/secret/get':
        return this.getFrom(this.secrets, body);
      case '/api/v1/secret/set':
        return this.setIn(this.secrets, body);
      case '/api/v1/secret/delete':
        return this.deleteFrom(this.secrets, body);
      case '/api/v1/entity/get':
        return this.getFrom(this.entityMap(body.entityName), body);
      case '/api/v1/entity/set': {
        const key = checkKey(body.key);
        this.checkEntityValue(body.entityName, body.value);
        this.entityMap(body.entityName).set(key, body.value);
        return empty();
      }
      case '/api/v1/entity/delete':
        return this.deleteFrom(this.entityMap(body.entityName), body);
      case '/api/v1/entity/query':
        return this.query(body);
      case '/api/v1/transaction':
        return this.transact(body);
      default:
        return forgeError(501, 'NOT_IMPLEMENTED_IN_FAKE', `The fake KVS does not serve ${path}.`);
    }
  }

  /** Forgets `key` once its TTL has passed, so it reads as missing and may be written again. */
  private expireIfDue(map: Map<string, StoredValue>, key: string): void {
    const expiresAt = this.expiries.get(map)?.get(key);
    if (expiresAt !== undefined && expiresAt <= this.now()) {
      map.delete(key);
      this.expiries.get(map)?.delete(key);
    }
  }

  private getFrom(map: Map<string, StoredValue>, body: Record<string, unknown>): Response {
    const key = checkKey(body.key);
    this.expireIfDue(map, key);
    const stored = map.get(key);
    return stored === undefined ? forgeError(404, 'KEY_NOT_FOUND', 'The specified key does not exist.') : json(200, { key, value: stored });
  }

  /** A plain or secret value (entity values are checked against their declaration instead). */
  private setIn(map: Map<string, StoredValue>, body: Record<string, unknown>): Response {
    const key = checkKey(body.key);
    checkValue(body.value);
    const ttlMs = ttlOf(body.options);
    this.expireIfDue(map, key);
    const policy = isRecord(body.options) ? body.options.keyPolicy : undefined;
    if (policy === 'FAIL_IF_EXISTS' && map.has(key)) return forgeError(409, 'KEY_CONFLICT', 'The key already exists.');
    map.set(key, body.value);
    // A write replaces the item: its TTL is the new write's, or none.
    if (ttlMs === undefined) this.expiries.get(map)?.delete(key);
    else this.expiries.set(map, (this.expiries.get(map) ?? new Map<string, number>()).set(key, this.now() + ttlMs));
    return empty();
  }

  private deleteFrom(map: Map<string, StoredValue>, body: Record<string, unknown>): Response {
    const key = checkKey(body.key);
    this.expireIfDue(map, key);
    this.expiries.get(map)?.delete(key);
    if (!map.delete(key)) return forgeError(404, 'KEY_NOT_FOUND', 'The specified key does not exist.');
    return empty();
  }

  private declaration(entityName: unknown): EntityDeclaration {
    if (typeof entityName !== 'string' || entityName.length < 3 || entityName.length > 60) fail(400, 'INVALID_ENTITY_TYPE', 'The entity name is not valid.');
    const declaration = this.schema.get(entityName);
    if (!declaration) return fail(400, 'INVALID_ENTITY_TYPE', `Entity ${entityName} is not declared in the manifest.`);
    return declaration;
  }

  private entityMap(entityName: unknown): Map<string, StoredValue> {
    const declaration = this.declaration(entityName);
    const map = this.entities.get(declaration.name);
    if (!map) return fail(500, 'INTERNAL', 'entity map missing');
    return map;
  }

  private checkEntityValue(entityName: unknown, value: unknown): void {
    const declaration = this.declaration(entityName);
    checkValue(value);
    if (!isRecord(value)) fail(400, 'INVALID_ENTITY_VALUE', 'Entity values must be objects of declared attributes.');
    for (const [attribute, attributeValue] of Object.entries(value)) {
      const declared = declaration.attributes[attribute];
      if (!declared || !typeMatches(declared.type, attributeValue)) {
        fail(400, 'INVALID_ENTITY_VALUE', `Entity values must match one of the types defined in Custom Entities (${declaration.name}.${attribute}).`);
      }
    }
  }

  private query(body: Record<string, unknown>): Response {
    const declaration = this.declaration(body.entityName);
    const index = declaration.indexes?.find((candidate) => candidate.name === body.indexName);
    if (!index) return fail(400, 'INVALID_ENTITY_INDEX', `Entity ${declaration.name} has no index ${String(body.indexName)}.`);
    const limit = body.limit ?? KVS_LIMITS.defaultPage;
    if (typeof limit !== 'number' || !Number.isInteger(limit) || limit < KVS_LIMITS.pageMin || limit > KVS_LIMITS.pageMax) {
      fail(400, 'COMPLEX_QUERY_PAGE_LIMIT_NOT_IN_RANGE', 'The page limit must be set between 1 and 100.');
    }
    const partitionAttributes = index.partition ?? [];
    const partition = Array.isArray(body.partition) ? (body.partition as unknown[]) : [];
    if (partition.length !== partitionAttributes.length) fail(400, 'INVALID_PARTITION', `Index ${index.name} takes ${partitionAttributes.length} partition value(s).`);
    const rangeAttribute = index.range[0] ?? '';
    const range = body.range === undefined ? undefined : parseConditions({ and: [{ property: rangeAttribute, ...(body.range as object) }] });
    const filters = parseConditions(body.filters);
    const descending = body.sort === 'DESC';

    const matches = [...this.entityMap(declaration.name).entries()]
      .filter(([, value]) => isRecord(value) && rangeAttribute in value && partitionAttributes.every((attribute) => isRecord(value) && attribute in value))
      .filter(([, value]) => partitionAttributes.every((attribute, position) => isRecord(value) && value[attribute] === partition[position]))
      .filter(([, value]) => holds(range, value) && holds(filters, value))
      .map(([key, value]) => ({ key, value, range: (value as Record<string, unknown>)[rangeAttribute] }))
      .sort((a, b) => compareScalars(a.range, b.range) || compareScalars(a.key, b.key));
    if (descending) matches.reverse();

    let start = 0;
    if (typeof body.cursor === 'string') {
      const after = decodeCursor(body.cursor, index.name);
      const beyond = (item: { range: unknown; key: string }) => {
        const order = compareScalars(item.range, after.range) || compareScalars(item.key, after.key);
        return descending ? order < 0 : order > 0;
      };
      start = matches.findIndex(beyond);
      if (start < 0) start = matches.length;
    }
    const page = matches.slice(start, start + limit);
    const last = page.at(-1);
    // Like DynamoDB, a full page carries a cursor even when nothing follows it.
    return json(200, { data: page.map(({ key, value }) => ({ key, value })), ...(page.length === limit && last && { cursor: encodeCursor(index.name, last.range, last.key) }) });
  }

  private transact(body: Record<string, unknown>): Response {
    const sets = Array.isArray(body.set) ? (body.set as unknown[]) : [];
    const deletes = Array.isArray(body.delete) ? (body.delete as unknown[]) : [];
    const checks = Array.isArray(body.check) ? (body.check as unknown[]) : [];
    const operations = [...sets.map((op) => ({ kind: 'set' as const, op })), ...deletes.map((op) => ({ kind: 'delete' as const, op })), ...checks.map((op) => ({ kind: 'check' as const, op }))];
    if (operations.length === 0) fail(400, 'EMPTY_TRANSACTION', 'A transaction needs at least one operation.');
    if (operations.length > KVS_LIMITS.transactionOperations) fail(400, 'TOO_MANY_OPERATIONS', `A transaction holds at most ${KVS_LIMITS.transactionOperations} operations.`);
    if (Buffer.byteLength(JSON.stringify(body)) > KVS_LIMITS.transactionBytes) fail(400, 'MAX_SIZE', 'The transaction payload exceeds 4 MB.');

    const seen = new Set<string>();
    const planned = operations.map(({ kind, op }) => {
      if (!isRecord(op)) return fail(400, 'INVALID_TRANSACTION', 'Each operation is an object.');
      const key = checkKey(op.key);
      if (op.entityName !== undefined && typeof op.entityName !== 'string') fail(400, 'INVALID_ENTITY_TYPE', 'The entity name is not valid.');
      const entityName = op.entityName;
      const conditions = parseConditions(op.conditions);
      if ((conditions || kind === 'check') && entityName === undefined) fail(400, 'INVALID_TRANSACTION', 'Conditions apply only to custom entities.');
      const map = entityName === undefined ? this.plain : this.entityMap(entityName);
      const identity = `${entityName ?? ''}\u0000${key}`;
      if (seen.has(identity)) fail(400, 'DUPLICATE_KEYS', 'A transaction may use each key once.');
      seen.add(identity);
      if (kind === 'set') {
        if (entityName === undefined) checkValue(op.value);
        else this.checkEntityValue(entityName, op.value);
      }
      return { kind, key, map, conditions, value: op.value };
    });
    for (const step of planned) {
      if (!holds(step.conditions, step.map.get(step.key))) return forgeError(409, 'CONDITIONAL_CHECK_FAILED', 'A transaction condition was not met; nothing was written.');
    }
    for (const step of planned) {
      if (step.kind === 'set') step.map.set(step.key, step.value);
      if (step.kind === 'delete') step.map.delete(step.key);
    }
    return empty();
  }
}
