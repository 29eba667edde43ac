import type { CoreDeps } from '../shared/deps.js';
import { transact } from '../shared/transact.js';

/** A sign-in event as the wire adapter reports it: who connected, disconnected or was forgotten. No token in any. */
export type GatewaySignInEvent =
  | { readonly type: 'gateway.connected'; readonly connection: SignedInConnection }
  | { readonly type: 'gateway.disconnected'; readonly connection: SignedInConnection; readonly by: { readonly accountId: string; readonly role: 'user' | 'admin' }; readonly upstreamRevoked: boolean }
  | { readonly type: 'gateway.user_forgotten'; readonly accountId: string; readonly by: { readonly accountId: string; readonly role: 'user' | 'admin' }; readonly connections: number };

export interface SignedInConnection {
  readonly id: string;
  readonly accountId: string;
  readonly client: string;
}

/**
 * Sign-in events on the audit chain: `gateway.connected` (actor: the user), `gateway.disconnected`
 * and `gateway.user_forgotten` (actor: whoever ended it). Only ids and the client's name are kept.
 */
export function signInEvents(deps: CoreDeps): { record(event: GatewaySignInEvent): Promise<void> } {
  return {
    record: (event) =>
      transact(deps, async () => ({
        writes: [],
        audit: [
          event.type === 'gateway.connected'
            ? { actor: event.connection.accountId, type: event.type, data: { connectionId: event.connection.id, accountId: event.connection.accountId, client: event.connection.client } }
            : event.type === 'gateway.disconnected'
              ? {
                  actor: event.by.accountId,
                  type: event.type,
                  data: { connectionId: event.connection.id, accountId: event.connection.accountId, client: event.connection.client, by: event.by.role, upstreamRevoked: event.upstreamRevoked },
                }
              : { actor: event.by.accountId, type: event.type, data: { accountId: event.accountId, by: event.by.role, connections: event.connections } },
        ],
        result: undefined,
      })),
  };
}
