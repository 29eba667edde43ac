import { invoke } from '@forge/bridge';
import type { ResolverErrorBody, ResolverKey, ResolverPayload, ResolverResponse } from '../resolvers/contract.js';

export type ClearwayCall = <K extends ResolverKey>(key: K, payload: ResolverPayload<K>) => Promise<ResolverResponse<K>>;

/** Calls a Clearway resolver with typed payloads and answers (types only: nothing of the backend is bundled). */
export const callClearway: ClearwayCall = <K extends ResolverKey>(key: K, payload: ResolverPayload<K>) => invoke<ResolverResponse<K>>(key, payload);

/** The message to show for a refused or failed call. */
export function errorText(error: ResolverErrorBody): string {
  return error.reference ? `${error.message} (reference ${error.reference})` : error.message;
}
