import type { GrantStatus } from '../grants/grant.js';
import type { CoreDeps } from '../shared/deps.js';

/** Grants that still depend on their connector: waiting to be provisioned, active, or failed and awaiting a retry. */
const OPEN_GRANT_STATUSES: readonly GrantStatus[] = ['pending_provision', 'active', 'provision_failed'];

/** How many open grants are counted per tool before the answer says "more". */
const GRANT_COUNT_LIMIT = 100;

export interface ConnectorUsage {
  /** Catalog tools whose fulfillment goes through the connector, by name. */
  readonly tools: ReadonlyArray<{ readonly id: string; readonly name: string }>;
  /** Open grants of those tools; `more` when at least one tool has more than could be counted. */
  readonly openGrants: { readonly count: number; readonly more: boolean };
}

/**
 * What depends on a connector: the tools bound to it and their open grants. Shown before an admin
 * disables or deletes it, since a disabled connector pauses fulfillment for all of them.
 */
export async function connectorUsage(deps: CoreDeps, connectorId: string): Promise<ConnectorUsage> {
  const tools: Array<{ id: string; name: string }> = [];
  let cursor: string | undefined;
  do {
    const page = await deps.store.query('tool', 'byName', { partition: [], limit: 100, ...(cursor !== undefined && { cursor }) });
    for (const tool of page.items) if (tool.fulfillment.connectorId === connectorId) tools.push({ id: tool.id, name: tool.name });
    cursor = page.nextCursor;
  } while (cursor !== undefined);
  const pages = await Promise.all(
    tools.flatMap((tool) => OPEN_GRANT_STATUSES.map((status) => deps.store.query('grant', 'byTool', { partition: [tool.id, status], limit: GRANT_COUNT_LIMIT }))),
  );
  return {
    tools,
    openGrants: { count: pages.reduce((sum, page) => sum + page.items.length, 0), more: pages.some((page) => page.nextCursor !== undefined) },
  };
}
