import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import type { GatewayAuthenticator, GatewayCaller } from '@clearway/core';
import { PEOPLE, STAFF } from '../simulator-seed.js';

/** What the sandbox knows of a person: what Jira would tell the gateway after sign-in. */
const DIRECTORY = new Map<string, { name: string; email?: string; groups: readonly string[] }>(
  [...Object.values(PEOPLE), ...Object.values(STAFF)].map((person) => [
    person.accountId,
    { name: person.displayName, ...('email' in person && { email: person.email }), groups: 'groups' in person ? person.groups : person.accountId === STAFF.admin.accountId ? ['jira-administrators'] : [] },
  ]),
);

/** A sandbox person by Jira account id: name, email and groups, as sign-in would report them. */
export function sandboxPerson(accountId: string): { readonly name: string; readonly email?: string; readonly groups: readonly string[] } | undefined {
  return DIRECTORY.get(accountId);
}

interface TokenRecord {
  readonly accountId: string;
  readonly client: string;
  readonly issuedAt: number;
}

const hash = (token: string) => createHash('sha256').update(token).digest('hex');

/**
 * The sandbox's stand-in for part 2's sign-in: opaque bearer tokens, each bound to one person and
 * one registered AI client. Only their SHA-256 is kept (in a file, so `gateway serve` and the CLI
 * share them); a token shown once cannot be read back from the data folder.
 */
export class SandboxGatewayTokens implements GatewayAuthenticator {
  private readonly records: Record<string, TokenRecord>;

  constructor(private readonly path?: string) {
    this.records = path && existsSync(path) ? (JSON.parse(readFileSync(path, 'utf8')) as Record<string, TokenRecord>) : {};
  }

  /** A new token for this person and client; throws for an account the site does not know. */
  issue(accountId: string, client: string, now = Date.now()): string {
    if (!DIRECTORY.has(accountId)) throw new Error(`No sandbox person has the account ${accountId}.`);
    const token = `cwg_${randomBytes(24).toString('base64url')}`;
    this.records[hash(token)] = { accountId, client, issuedAt: now };
    if (this.path) writeFileSync(this.path, JSON.stringify(this.records, null, 2), { mode: 0o600 });
    return token;
  }

  async authenticate(bearerToken: string): Promise<GatewayCaller | undefined> {
    const record = this.records[hash(bearerToken)];
    const person = record && DIRECTORY.get(record.accountId);
    if (!record || !person) return undefined;
    return { accountId: record.accountId, name: person.name, ...(person.email !== undefined && { email: person.email }), groups: person.groups, client: record.client };
  }
}

/** The sandbox site's groups, as Jira's group directory would answer. */
export const SITE_GROUPS: readonly string[] = [...new Set([...Object.values(PEOPLE).flatMap((person) => person.groups), 'jira-administrators', 'jira-software-users'])];

export const sandboxGroups = {
  findGroups: async (names: readonly string[]): Promise<readonly string[]> => SITE_GROUPS.filter((group) => names.some((name) => name.toLowerCase() === group.toLowerCase())),
};
