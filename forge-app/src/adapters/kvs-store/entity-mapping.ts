/**
 * How core's entities live in the Forge Custom Entity Store: one custom entity per core entity,
 * whose value is `{ version, data, p_<index>, r_<index>… }`:
 *
 * - `data` is the record itself (attribute type `any`);
 * - `version` is the stored version, so a transaction can make each write conditional on it;
 * - each of core's indexes (`STORE_SCHEMA`) becomes a KVS index with one partition attribute
 *   (`p_<index>`, the JSON of core's partition tuple) and one range attribute (`r_<index>`).
 *
 * A record that core leaves out of an index (its partition or range is undefined) gets the
 * partition `NOT_INDEXED`, which no query ever names. That keeps "due work" indexes holding due
 * work only without relying on how the platform treats missing index attributes.
 */
import { STORE_SCHEMA, indexEntriesOf, type EntityName, type EntityRecord, type IndexName, type Scalar } from '@clearway/core';

/** Custom entity attribute types (manifest `app.storage.entities[].attributes[].type`). */
export type KvsAttributeType = 'string' | 'boolean' | 'float' | 'integer' | 'any';

/** The range attribute type of every index of every entity; the compiler insists on completeness. */
type RangeTypes = { readonly [E in EntityName]: { readonly [I in IndexName<E>]: 'string' | 'float' } };

export const RANGE_TYPES: RangeTypes = {
  tool: { byName: 'string', byStatus: 'string', byConnector: 'string' },
  connector: { byName: 'string' },
  identity: { byConnector: 'string', resolvedByLastUse: 'float' },
  governance: { byVersion: 'float' },
  request: { byRequester: 'float', byStatus: 'float', awaitingEscalation: 'float', all: 'float' },
  grant: { byRequester: 'float', byStatus: 'float', byTool: 'float', awaitingReview: 'float', all: 'float' },
  job: { due: 'float', byGrant: 'float', byStatus: 'float' },
  audit: { bySeq: 'float', byTime: 'float' },
  claim: {},
  meta: {},
};

/** The partition of a record that is not in an index; partitions in an index are JSON arrays, so never this. */
export const NOT_INDEXED = '-';

export const VERSION_ATTRIBUTE = 'version';
export const DATA_ATTRIBUTE = 'data';

export function partitionAttribute(index: string): string {
  return `p_${index}`;
}

export function rangeAttribute(index: string): string {
  return `r_${index}`;
}

/** The custom entity that holds a core entity (the same name: short, and within 3–60 characters). */
export function kvsEntityName(entity: EntityName): string {
  return entity;
}

export function partitionKey(values: readonly Scalar[]): string {
  return JSON.stringify(values);
}

export interface StoredEntityValue {
  readonly version: number;
  readonly data: unknown;
  readonly [attribute: string]: unknown;
}

/** The value written for a record: the record, its version and every index attribute. */
export function toStoredValue<E extends EntityName>(entity: E, record: EntityRecord<E>): StoredEntityValue {
  const value: Record<string, unknown> = { [VERSION_ATTRIBUTE]: record.version, [DATA_ATTRIBUTE]: record };
  const types = RANGE_TYPES[entity] as Readonly<Record<string, 'string' | 'float'>>;
  for (const index of Object.keys(STORE_SCHEMA[entity])) {
    value[partitionAttribute(index)] = NOT_INDEXED;
    value[rangeAttribute(index)] = types[index] === 'string' ? '' : 0;
  }
  for (const entry of indexEntriesOf(entity, record)) {
    const expected = types[entry.index] === 'string' ? 'string' : 'number';
    if (typeof entry.range !== expected) {
      // A programming error in the mapping, not bad input: the schema changed without this table.
      throw new TypeError(`Index ${entity}.${entry.index} has a ${typeof entry.range} range; the KVS mapping expects ${expected}.`);
    }
    value[partitionAttribute(entry.index)] = partitionKey(entry.partition);
    value[rangeAttribute(entry.index)] = entry.range;
  }
  return value as StoredEntityValue;
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
