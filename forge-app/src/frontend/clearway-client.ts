import { invoke } from '@forge/bridge';
import type { ResolverErrorBody, ResolverKey, ResolverPayload, ResolverResults } from '../resolvers/contract';

/**
 * The one place the UI reaches the backend. Every surface calls resolvers through `callClearway`
 * (or the hooks in `components/use-clearway.ts`) with a literal key, so a test can list every
 * key the UI uses and check it against the resolver definitions. Only types come from the
 * backend: nothing of it is bundled into the UI.
 */

/** The invoke itself failed (offline, the platform refused the call): no resolver answered. */
export interface UnreachableError {
  readonly code: 'unreachable';
  readonly message: string;
}

export type ClearwayError = ResolverErrorBody | UnreachableError;

export type ClearwayResponse<K extends ResolverKey> = { readonly ok: true; readonly data: ResolverResults[K] } | { readonly ok: false; readonly error: ClearwayError };

const UNREACHABLE: UnreachableError = { code: 'unreachable', message: 'Clearway could not be reached. Check your connection and try again.' };

function isEnvelope(value: unknown): value is { ok: boolean } {
  return typeof value === 'object' && value !== null && typeof (value as { ok?: unknown }).ok === 'boolean';
}

/** Calls a Clearway resolver with a typed payload; never throws (a failed invoke answers `unreachable`). */
export async function callClearway<K extends ResolverKey>(key: K, payload: ResolverPayload<K>): Promise<ClearwayResponse<K>> {
  try {
    const answer = await invoke<unknown>(key, payload as Record<string, unknown>);
    // The backend always answers an envelope; anything else is treated as no answer.
    return isEnvelope(answer) ? (answer as ClearwayResponse<K>) : { ok: false, error: UNREACHABLE };
  } catch {
    return { ok: false, error: UNREACHABLE };
  }
}

/** The message to show for a refused or failed call: the resolver's words, with the support reference when there is one. */
export function errorText(error: ClearwayError): string {
  const reference = 'reference' in error && error.reference ? ` (reference ${error.reference})` : '';
  return `${error.message}${reference}`;
}

/** Field-level problems a `validation_failed` answer names, by field path. */
export function fieldIssues(error: ClearwayError): ReadonlyArray<{ readonly path: string; readonly message: string }> {
  return 'issues' in error && error.issues ? error.issues : [];
}
