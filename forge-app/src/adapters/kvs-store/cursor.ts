import { StoreLimitError, type EntityName } from '@clearway/core';

/** What a page cursor is bound to: the same query, continued. */
export interface CursorScope {
  readonly entity: EntityName;
  readonly index: string;
  readonly partition: string;
  readonly direction: 'asc' | 'desc';
}

interface Envelope extends CursorScope {
  readonly v: 1;
  readonly kvs: string;
}

/**
 * Wraps the platform's opaque cursor with the query it continues, so a cursor is only accepted
 * for the query that issued it: anything else (garbage, another index or partition, the other
 * direction) is refused as core's `StoreLimitError` before it reaches the platform.
 */
export function encodeCursor(scope: CursorScope, kvsCursor: string): string {
  const envelope: Envelope = { v: 1, ...scope, kvs: kvsCursor };
  return Buffer.from(JSON.stringify(envelope), 'utf8').toString('base64url');
}

export function decodeCursor(cursor: string, scope: CursorScope): string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    parsed = undefined;
  }
  const envelope = parsed as Partial<Envelope> | undefined;
  const matches =
    typeof envelope === 'object' &&
    envelope !== null &&
    envelope.v === 1 &&
    typeof envelope.kvs === 'string' &&
    envelope.entity === scope.entity &&
    envelope.index === scope.index &&
    envelope.partition === scope.partition &&
    envelope.direction === scope.direction;
  if (!matches || typeof envelope.kvs !== 'string') throw new StoreLimitError('The page cursor is not one this store issued for this query.');
  return envelope.kvs;
}
