/**
 * What the resolvers answer about the AI-agent gateway: where AI clients connect, the people's
 * connections, one call of the activity log with its Atlassian-audit form, and an explained call.
 * No token ever appears here: connections are copied field by field, so whatever else a host's
 * summary carries never reaches a page.
 */
import type { ActivityRecord, Explanation } from '@clearway/core';
import type { ConnectionSummary, SelfTestCheck } from '@clearway/core/gateway-sign-in';

/** Getting Started: the addresses to hand out and whether Rovo lets sign-ins back through Clearway. */
export interface GatewaySetupView {
  /** What an AI client is given as its MCP server URL. */
  readonly mcpUrl: string;
  /** What the admin adds to the Rovo MCP server's domain allowlist. */
  readonly callbackUrl: string;
  /** When the first sign-in came back through the callback: the domain is allowed. Absent: action needed. */
  readonly callbackVerifiedAt?: number;
}

/** One person's sign-in from one AI client, as My Access and the admin's "Disconnect / forget user" show it: the sign-in's summary, which holds no token. */
export type ConnectionView = ConnectionSummary;

export function connectionView(connection: ConnectionSummary): ConnectionView {
  return {
    id: connection.id,
    accountId: connection.accountId,
    ...(connection.name !== undefined && { name: connection.name }),
    ...(connection.email !== undefined && { email: connection.email }),
    client: connection.client,
    connectedAt: connection.connectedAt,
    ...(connection.lastUsedAt !== undefined && { lastUsedAt: connection.lastUsedAt }),
  };
}

/** One named check of Getting Started's test call. */
export interface SelfTestCheckView {
  readonly name: string;
  readonly ok: boolean;
  readonly detail: string;
}

export function selfTestCheckView(check: SelfTestCheck): SelfTestCheckView {
  return { name: check.name, ok: check.ok, detail: check.detail };
}

/** A call of the activity log and the same event as Atlassian's audit log would hold it. */
export interface ActivityDetailView {
  readonly record: ActivityRecord;
  readonly auditJson: Record<string, unknown>;
}

/** "Explain a call": core's answer, with the groups and name it was asked for (read from Jira when a person was named). */
export type ExplainView = Explanation & { readonly groups: readonly string[]; readonly name?: string };
