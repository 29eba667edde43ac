import { readFileSync } from 'node:fs';
import type { AtlassianOAuthOptions } from './atlassian-oauth.js';

/** The directory a simulator starts with. Ids are generated where not given. */
export interface SimulatorSeed {
  readonly okta?: {
    readonly apiToken: string;
    readonly users: ReadonlyArray<{ id?: string; login: string; email: string; firstName?: string; lastName?: string; status?: 'ACTIVE' | 'SUSPENDED' | 'DEPROVISIONED' | 'STAGED' }>;
    readonly groups?: ReadonlyArray<{ id?: string; name: string; description?: string; type?: 'OKTA_GROUP' | 'APP_GROUP' | 'BUILT_IN'; members?: readonly string[] }>;
  };
  readonly entra?: {
    readonly tenantId: string;
    readonly clientId: string;
    readonly clientSecret: string;
    readonly users: ReadonlyArray<{ id?: string; userPrincipalName: string; mail?: string; displayName?: string; accountEnabled?: boolean }>;
    readonly groups?: ReadonlyArray<{ id?: string; displayName: string; mailEnabled?: boolean; securityEnabled?: boolean; groupTypes?: readonly string[]; members?: readonly string[] }>;
  };
  readonly scim?: {
    readonly bearerToken: string;
    readonly users: ReadonlyArray<{ id?: string; userName: string; email?: string; active?: boolean; displayName?: string }>;
    readonly groups?: ReadonlyArray<{ id?: string; displayName: string; members?: readonly string[] }>;
  };
  /** A simulated Atlassian site (Jira and Confluence) behind the upstream MCP server at `/mcp`. `{}` gets {@link DEFAULT_ATLASSIAN_SEED}. */
  readonly atlassian?: AtlassianSeed;
}

export type JiraStatusName = 'To Do' | 'In Progress' | 'Done';

/** People are named by email or account id everywhere in this seed. */
export interface AtlassianSeed {
  readonly siteUrl?: string;
  readonly cloudId?: string;
  /** An account id is derived from the email when not given, so a seed gives the same ids every run. */
  readonly accounts?: ReadonlyArray<{ accountId?: string; name: string; email: string; active?: boolean }>;
  /** Projects an issue names are created on the fly (named by their key) when not listed. */
  readonly projects?: ReadonlyArray<{ key: string; name?: string }>;
  /** Keys are numbered per project in seed order; `created` defaults to an hour apart, in seed order. */
  readonly issues?: ReadonlyArray<{
    project: string;
    summary: string;
    description?: string;
    issueType?: string;
    status?: JiraStatusName;
    assignee?: string;
    reporter?: string;
    created?: string;
    comments?: ReadonlyArray<{ author: string; body: string }>;
  }>;
  readonly spaces?: ReadonlyArray<{ key: string; name?: string }>;
  readonly pages?: ReadonlyArray<{ space: string; title: string; body: string; author?: string; parent?: string }>;
  /** The authorization server's lifetimes and rotation rules (`AtlassianAuthorizationServer`); also settable later with `site.oauth.configure`. */
  readonly oauth?: AtlassianOAuthOptions;
}

/** A small, believable site: three people, an IT and an engineering project, an IT handbook. */
export const DEFAULT_ATLASSIAN_SEED = {
  siteUrl: 'https://clearway-sandbox.atlassian.net',
  cloudId: '3f6d0c2a-8e41-4b7d-9a15-6c2e8f0b4d93',
  accounts: [
    { name: 'Ana Alvarez', email: 'ana.alvarez@example.com' },
    { name: 'Ben Baker', email: 'ben.baker@example.com' },
    { name: 'Chloe Chen', email: 'chloe.chen@example.com' },
  ],
  projects: [
    { key: 'OPS', name: 'IT Operations' },
    { key: 'ENG', name: 'Engineering' },
  ],
  issues: [
    { project: 'OPS', summary: 'Rotate the VPN gateway certificate', description: 'The certificate on vpn-gw-01 expires at the end of the month.', issueType: 'Task', status: 'In Progress', assignee: 'ana.alvarez@example.com', reporter: 'ben.baker@example.com' },
    { project: 'OPS', summary: 'Laptops for the March starters', description: 'Four laptops, imaged with the standard build.', issueType: 'Task', status: 'To Do', reporter: 'ana.alvarez@example.com' },
    {
      project: 'OPS', summary: 'Printer on floor 3 jams on duplex jobs', issueType: 'Bug', status: 'Done', assignee: 'chloe.chen@example.com', reporter: 'ben.baker@example.com',
      comments: [{ author: 'chloe.chen@example.com', body: 'Replaced the duplex roller; two days without a jam.' }],
    },
    { project: 'ENG', summary: 'Login page times out on slow connections', description: 'Users on mobile networks see a timeout after ten seconds.', issueType: 'Bug', status: 'To Do', assignee: 'ben.baker@example.com', reporter: 'chloe.chen@example.com' },
    { project: 'ENG', summary: 'Write down the release checklist', issueType: 'Story', status: 'In Progress', assignee: 'chloe.chen@example.com', reporter: 'ana.alvarez@example.com' },
  ],
  spaces: [{ key: 'IT', name: 'IT Handbook' }],
  pages: [
    { space: 'IT', title: 'Onboarding checklist', body: '# Onboarding checklist\n\n1. Laptop and badge\n2. Accounts in Okta\n3. Request AI tools through the service desk', author: 'ana.alvarez@example.com' },
    { space: 'IT', title: 'Using AI tools at work', body: 'Request access to an AI tool through the service desk; access is reviewed every quarter.', author: 'ben.baker@example.com', parent: 'Onboarding checklist' },
  ],
} as const satisfies AtlassianSeed;

/** The seed as given, or the default site (with the seed's URL, cloud id and OAuth settings) when it names no people, projects, issues, spaces or pages. */
export function atlassianSeedOrDefault(seed: AtlassianSeed): AtlassianSeed {
  const empty = [seed.accounts, seed.projects, seed.issues, seed.spaces, seed.pages].every((section) => section === undefined || section.length === 0);
  return empty ? { ...DEFAULT_ATLASSIAN_SEED, ...(seed.siteUrl && { siteUrl: seed.siteUrl }), ...(seed.cloudId && { cloudId: seed.cloudId }), ...(seed.oauth && { oauth: seed.oauth }) } : seed;
}

export function loadSeed(path: string): SimulatorSeed {
  return JSON.parse(readFileSync(path, 'utf8')) as SimulatorSeed;
}
