/**
 * How core's entities live in the Forge Custom Entity Store: one custom entity per core entity,
 * whose value is `{ version, data, p_<index>, r_<index>… }`:
 *
 * - `data` is the record itself (attribute type `any`);
 * - `version` is the stored version, so a transaction can make each write conditional on it;
 * - each of core's indexes (`STORE_SCHEMA`) becomes a KVS index with one partition attribute
 *   (`p_<index>`, the JSON of core's partition tuple) and one range attribute (`r_<index>`).
 *
 * A record that core leaves out of an index (its partition or range is undefined) carries neither
 * attribute of that index: the value is sparse. No filler is written because the platform refuses
 * blank text in a `string` attribute ("Must contain at least one non-whitespace character", "Must
 * not be empty": Limitations → Values of
 * https://developer.atlassian.com/platform/forge/runtime-reference/custom-entities/, and a value
 * off its type is 400 `INVALID_ENTITY_VALUE` per
 * https://developer.atlassian.com/platform/forge/storage-reference/handling-errors-customentities/),
 * and a non-blank sentinel would file every record that left a due-work index (most jobs, grants
 * and requests, in time) under one partition value, kept and rewritten for nothing. How the
 * platform treats an item missing an index attribute is undocumented, so queries do not depend on
 * it: `indexEntryOf` lets the store keep only results core itself puts in the partition queried.
 */
import { STORE_SCHEMA, StoreLimitError, indexEntriesOf, type EntityName, type EntityRecord, type IndexName, type Scalar } from '@clearway/core';

/** Custom entity attribute types (manifest `app.storage.entities[].attributes[].type`). */
export type KvsAttributeType = 'string' | 'boolean' | 'float' | 'integer' | 'any';

/** The range attribute type of every index of every entity; the compiler insists on completeness. */
type RangeTypes = { readonly [E in EntityName]: { readonly [I in IndexName<E>]: 'string' | 'float' } };

export const RANGE_TYPES: RangeTypes = {
  tool: { byName: 'string', byStatus: 'string', byConnector: 'string' },
  connector: { byName: 'string' },
  identity: { byConnector: 'string', resolvedByLastUse: 'float' },
  governance: { byVersion: 'float' },
  agentPolicy: { byVersion: 'float' },
  workPolicies: { byVersion: 'float' },
  workLink: { byIssue: 'float', open: 'float', byGrant: 'float' },
  request: { byRequester: 'float', byStatus: 'float', awaitingEscalation: 'float', all: 'float' },
  grant: { byRequester: 'float', byStatus: 'float', byTool: 'float', awaitingReview: 'float', byLastCheck: 'float', all: 'float' },
  exception: { open: 'float', all: 'float' },
  job: { due: 'float', byGrant: 'float', byStatus: 'float' },
  audit: { bySeq: 'float', byTime: 'float', activity: 'float', activityByUser: 'float', activityByDecision: 'float' },
  claim: {},
  meta: {},
};

export const VERSION_ATTRIBUTE = 'version';
export const DATA_ATTRIBUTE = 'data';

export function partitionAttribute(index: string): string {
  return `p_${index}`;
}

export function rangeAttribute(index: string): string {
  return `r_${index}`;
}

/**
 * The custom entity that holds a core entity: the same name, with camel case written in kebab case
 * (`agentPolicy` → `agent-policy`), since Forge entity names are lowercase, 3–60 characters of
 * `a-z 0-9 : - _ .` (the pattern in `@forge/manifest`'s manifest schema).
 */
export function kvsEntityName(entity: EntityName): string {
  return entity.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`);
}

export function partitionKey(values: readonly Scalar[]): string {
  return JSON.stringify(values);
}

export interface StoredEntityValue {
  readonly version: number;
  readonly data: unknown;
  readonly [attribute: string]: unknown;
}

/** Whether a string can be stored in a `string` attribute: non-empty, with a non-whitespace character (same source). */
function isStorableString(value: string): boolean {
  return /\S/.test(value);
}

/** The value written for a record: the record, its version and the attributes of the indexes it is in. */
export function toStoredValue<E extends EntityName>(entity: E, record: EntityRecord<E>): StoredEntityValue {
  const value: Record<string, unknown> = { [VERSION_ATTRIBUTE]: record.version, [DATA_ATTRIBUTE]: record };
  const types = RANGE_TYPES[entity] as Readonly<Record<string, 'string' | 'float'>>;
  for (const entry of indexEntriesOf(entity, record)) {
    const expected = types[entry.index] === 'string' ? 'string' : 'number';
    if (typeof entry.range !== expected) {
      // A programming error in the mapping, not bad input: the schema changed without this table.
      throw new TypeError(`Index ${entity}.${entry.index} has a ${typeof entry.range} range; the KVS mapping expects ${expected}.`);
    }
    if (typeof entry.range === 'string' && !isStorableString(entry.range)) {
      // Core validates the names and ids it indexes, so this is a bug upstream; refusing it here,
      // before anything is sent, names the record instead of passing on the platform's bare 400.
      throw new StoreLimitError(`${entity} ${record.id} cannot be stored: its ${entry.index} value is blank, and Forge storage refuses blank text.`);
    }
    value[partitionAttribute(entry.index)] = partitionKey(entry.partition);
    value[rangeAttribute(entry.index)] = entry.range;
  }
  return value as StoredEntityValue;
}

/**
 * The entry a record has in one index by core's own schema, or undefined when core leaves it out.
 * A query result counts only if this matches what was asked: whatever the platform does with items
 * missing an index attribute (or an attribute a write left behind), only core decides membership.
 */
export function indexEntryOf<E extends EntityName>(entity: E, index: IndexName<E>, record: EntityRecord<E>): { readonly partition: string; readonly range: Scalar } | undefined {
  const entry = indexEntriesOf(entity, record).find((candidate) => candidate.index === index);
  return entry && { partition: partitionKey(entry.partition), range: entry.range };
}

export interface ManifestEntity {
  readonly name: string;
  readonly attributes: Readonly<Record<string, { readonly type: KvsAttributeType }>>;
  readonly indexes?: ReadonlyArray<{ readonly name: string; readonly partition: readonly string[]; readonly range: readonly string[] }>;
}

/** The `app.storage.entities` declarations this mapping needs; a test compares them with manifest.yml. */
export function manifestEntities(): ManifestEntity[] {
  return (Object.keys(STORE_SCHEMA) as EntityName[]).map((entity) => {
    const types = RANGE_TYPES[entity] as Readonly<Record<string, 'string' | 'float'>>;
    const indexes = Object.keys(STORE_SCHEMA[entity]);
    const attributes: Record<string, { type: KvsAttributeType }> = { [VERSION_ATTRIBUTE]: { type: 'integer' }, [DATA_ATTRIBUTE]: { type: 'any' } };
    for (const index of indexes) {
      attributes[partitionAttribute(index)] = { type: 'string' };
      attributes[rangeAttribute(index)] = { type: types[index] ?? 'string' };
    }
    return {
      name: kvsEntityName(entity),
      attributes,
      ...(indexes.length > 0 && { indexes: indexes.map((index) => ({ name: index, partition: [partitionAttribute(index)], range: [rangeAttribute(index)] })) }),
    };
  });
}
