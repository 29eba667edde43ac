import type { JiraAccount, WorkPerson } from '@clearway/core';
import type { SimulatorSeed } from '@clearway/idp-simulator';

/** Credentials of the simulated tenants: sandbox-only values, never real ones. */
export const SIM_CREDENTIALS = {
  oktaApiToken: '00sandbox-okta-api-token-7c1f4e9a2b',
  entraTenantId: '6f1c2a4e-9b7d-4c3e-8a21-5d0f7e6b9c11',
  entraClientId: '2b7e151a-4c3d-4f8e-9a6b-0c1d2e3f4a5b',
  entraClientSecret: 'sandbox~entra-client-secret-5f3a9c2e71',
  scimBearerToken: 'sandbox-scim-bearer-token-3e8d1c7a90',
};

/**
 * The people of the sandbox: in Jira, in Okta, in Entra (Ghost is in neither IdP). Hana is in the
 * Okta org only, and her Atlassian profile hides her email: Jira shows Clearway no `email` for her.
 */
export const PEOPLE = {
  ana: { accountId: 'jira-ana', email: 'ana.alvarez@example.com', displayName: 'Ana Alvarez', groups: ['engineering'] },
  ben: { accountId: 'jira-ben', email: 'ben.baker@example.com', displayName: 'Ben Baker', groups: ['sales'] },
  chen: { accountId: 'jira-chen', email: 'chen.cho@example.com', displayName: 'Chen Cho', groups: ['engineering'] },
  dev: { accountId: 'jira-dev', email: 'dev.desai@example.com', displayName: 'Dev Desai', groups: ['engineering'] },
  eve: { accountId: 'jira-eve', email: 'eve.evans@example.com', displayName: 'Eve Evans', groups: ['marketing'] },
  ghost: { accountId: 'jira-ghost', email: 'ghost.gale@example.com', displayName: 'Ghost Gale', groups: ['contractors'] },
  hana: { accountId: 'jira-hana', displayName: 'Hana Hidden', groups: ['finance'], oktaLogin: 'hana.hidden@example.com' },
} as const;

/** The sandbox's Jira admin and approver: Jira users with no account in either IdP. */
export const STAFF = {
  admin: { accountId: 'jira-admin', isAdmin: true, displayName: 'Alex Admin' },
  approver: { accountId: 'jira-pat', displayName: 'Pat Approver' },
} as const;

/** Every account the sandbox's Jira site knows (all active people); governance may name these only. */
export const SITE_ACCOUNTS: readonly JiraAccount[] = [...Object.values(STAFF), ...Object.values(PEOPLE)].map(({ accountId }) => ({ accountId, accountType: 'atlassian', active: true }));

/** The site's people as Jira shows them on an issue: a display name, and the email unless the profile hides it (Hana's does). */
export const SITE_PEOPLE: Readonly<Record<string, WorkPerson>> = Object.fromEntries(
  [...Object.values(STAFF), ...Object.values(PEOPLE)].map((person) => [person.accountId, { displayName: person.displayName, ...('email' in person && { email: person.email }) }]),
);

const directoryPeople = [PEOPLE.ana, PEOPLE.ben, PEOPLE.chen, PEOPLE.dev, PEOPLE.eve];
const oktaPeople = [...directoryPeople.map((person) => ({ login: person.email, displayName: person.displayName })), { login: PEOPLE.hana.oktaLogin, displayName: PEOPLE.hana.displayName }];

export function sandboxSeed(): SimulatorSeed {
  return {
    okta: {
      apiToken: SIM_CREDENTIALS.oktaApiToken,
      users: oktaPeople.map((person) => ({ login: person.login, email: person.login, firstName: person.displayName.split(' ')[0], lastName: person.displayName.split(' ')[1] })),
      groups: [{ name: 'Everyone', type: 'BUILT_IN' }],
    },
    entra: {
      tenantId: SIM_CREDENTIALS.entraTenantId,
      clientId: SIM_CREDENTIALS.entraClientId,
      clientSecret: SIM_CREDENTIALS.entraClientSecret,
      users: directoryPeople.map((person) => ({ userPrincipalName: person.email, mail: person.email, displayName: person.displayName })),
      groups: [{ displayName: 'AI - GitHub Copilot' }],
    },
    scim: {
      bearerToken: SIM_CREDENTIALS.scimBearerToken,
      users: directoryPeople.map((person) => ({ userName: person.email, email: person.email, displayName: person.displayName })),
    },
    atlassian: atlassianSite(),
  };
}

/**
 * The Atlassian site AI assistants reach through the gateway: the sandbox's people (with their Jira
 * account ids), an IT operations project and an engineering one, and the IT handbook.
 */
function atlassianSite(): NonNullable<SimulatorSeed['atlassian']> {
  const people = [...Object.values(PEOPLE), STAFF.admin, STAFF.approver].map((person) => ({
    accountId: person.accountId,
    name: person.displayName,
    email: 'email' in person ? person.email : `${person.accountId.replace('jira-', '')}@example.com`,
  }));
  return {
    accounts: people,
    projects: [
      { key: 'OPS', name: 'IT Operations' },
      { key: 'ENG', name: 'Engineering' },
    ],
    issues: [
      { project: 'OPS', summary: 'Rotate the VPN gateway certificate', description: 'The certificate on vpn-gw-01 expires at the end of the month.', issueType: 'Task', status: 'In Progress', assignee: PEOPLE.chen.accountId, reporter: PEOPLE.ana.accountId },
      { project: 'OPS', summary: 'Laptops for the March starters', description: 'Four laptops, imaged with the standard build.', issueType: 'Task', status: 'To Do', reporter: PEOPLE.ana.accountId },
      { project: 'ENG', summary: 'Login page times out on slow connections', description: 'Users on mobile networks see a timeout after ten seconds.', issueType: 'Bug', status: 'To Do', assignee: PEOPLE.chen.accountId, reporter: PEOPLE.dev.accountId },
      { project: 'ENG', summary: 'Write down the release checklist', issueType: 'Story', status: 'In Progress', assignee: PEOPLE.dev.accountId, reporter: PEOPLE.chen.accountId },
    ],
    spaces: [{ key: 'IT', name: 'IT Handbook' }],
    pages: [{ space: 'IT', title: 'Using AI tools at work', body: 'Request access to an AI tool through the service desk; access is reviewed before it expires.', author: PEOPLE.ana.accountId }],
  };
}

/** These people, each in both the Okta org and the Entra tenant, and no groups: for the end-to-end tests and the benchmarks. */
export function bothDirectoriesSeed(emails: readonly string[]): SimulatorSeed {
  return {
    okta: { apiToken: SIM_CREDENTIALS.oktaApiToken, users: emails.map((email) => ({ login: email, email })) },
    entra: { tenantId: SIM_CREDENTIALS.entraTenantId, clientId: SIM_CREDENTIALS.entraClientId, clientSecret: SIM_CREDENTIALS.entraClientSecret, users: emails.map((email) => ({ userPrincipalName: email, mail: email })) },
  };
}

/** Connector settings pointing the real providers at a running simulator. */
export function simulatorConnectors(simulatorUrl: string) {
  return {
    'okta-group': {
      settings: { orgUrl: simulatorUrl, authMode: 'api_token', requestTimeoutMs: 10_000 },
      secrets: { apiToken: SIM_CREDENTIALS.oktaApiToken },
    },
    'entra-group': {
      settings: { tenantId: SIM_CREDENTIALS.entraTenantId, clientId: SIM_CREDENTIALS.entraClientId, authMode: 'client_secret', graphBaseUrl: simulatorUrl, authorityHost: simulatorUrl, requestTimeoutMs: 10_000 },
      secrets: { clientSecret: SIM_CREDENTIALS.entraClientSecret },
    },
    'scim-group': {
      settings: { baseUrl: `${simulatorUrl}/scim/v2`, authMode: 'bearer', requestTimeoutMs: 10_000 },
      secrets: { bearerToken: SIM_CREDENTIALS.scimBearerToken },
    },
  } as const;
}
