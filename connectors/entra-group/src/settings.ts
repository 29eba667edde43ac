/**
 * What an admin configures for an Entra group connector: the non-secret settings (a zod schema the
 * admin form is rendered from) and the two secret fields. Which secret is needed depends on
 * `authMode`; that combination is checked when the credential is built (`credential.ts`).
 */
import { isLoopbackHost, type SecretField } from '@clearway/connector-sdk';
import { z } from 'zod';

export const DEFAULT_GRAPH_BASE_URL = 'https://graph.microsoft.com';
export const DEFAULT_AUTHORITY_HOST = 'https://login.microsoftonline.com';

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Whether a string is an Entra object id (a GUID), the only form ids take in membership paths. */
export function isObjectId(value: string): boolean {
  return GUID.test(value);
}
// A verified domain such as contoso.onmicrosoft.com; "common" and "organizations" are not tenants.
const DOMAIN = /^(?=.{4,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/i;


export const entraSettingsSchema = z
  .object({
    tenantId: z
      .string()
      .trim()
      .refine((value) => GUID.test(value) || DOMAIN.test(value), {
        message: 'must be the Directory (tenant) ID (a GUID) or a verified domain such as contoso.onmicrosoft.com',
      })
      .meta({
        title: 'Directory (tenant) ID',
        description: 'From the app registration Overview page in the Microsoft Entra admin center.',
      }),
    clientId: z
      .string()
      .trim()
      .regex(GUID, { message: 'must be the Application (client) ID, a GUID' })
      .meta({ title: 'Application (client) ID', description: 'From the app registration Overview page.' }),
    authMode: z
      .enum(['client_secret', 'client_certificate'])
      .default('client_secret')
      .meta({
        title: 'Authentication',
        description: 'Client secret, or a certificate whose public part is uploaded to the app registration (recommended).',
        choiceLabels: { client_secret: 'Client secret', client_certificate: 'Certificate (recommended)' },
      }),
    membershipCheck: z
      .enum(['direct', 'transitive'])
      .default('direct')
      .meta({
        title: 'Membership check',
        description: 'Direct: the user is a member of the group itself. Transitive: membership through nested groups counts too.',
        choiceLabels: { direct: 'Direct members only', transitive: 'Direct and nested members' },
      }),
    requestTimeoutMs: z
      .number()
      .int()
      .min(1_000)
      .max(60_000)
      .default(10_000)
      .meta({ title: 'Request timeout (ms)', description: 'Longest wait for one Microsoft Graph or sign-in request, 1,000 to 60,000.' }),
    graphBaseUrl: z
      .string()
      .trim()
      .default(DEFAULT_GRAPH_BASE_URL)
      .meta({
        title: 'Microsoft Graph endpoint',
        description: 'Leave as is, unless you use a national cloud (e.g. https://graph.microsoft.us) or the local simulator.',
      }),
    authorityHost: z
      .string()
      .trim()
      .default(DEFAULT_AUTHORITY_HOST)
      .meta({
        title: 'Sign-in endpoint (authority host)',
        description: 'Leave as is, unless you use a national cloud (e.g. https://login.microsoftonline.us) or the local simulator.',
      }),
    allowInsecureLoopback: z
      .boolean()
      .default(false)
      .meta({
        title: 'Allow plain http to a loopback simulator',
        description: 'Development only: lets the Graph endpoint be http://localhost or http://127.0.0.1. No token is sent over http.',
        // A development setting: the app's connector form leaves it out.
        testOnly: true,
      }),
  })
  .superRefine((settings, ctx) => {
    for (const field of ['graphBaseUrl', 'authorityHost'] as const) {
      const problem = endpointProblem(settings[field], {
        // Azure Identity refuses a plain-http authority outright, so only Graph may use the opt-in.
        allowHttpLoopback: field === 'graphBaseUrl' && settings.allowInsecureLoopback,
      });
      if (problem) ctx.addIssue({ code: 'custom', path: [field], message: problem });
    }
  });

export type EntraSettings = z.output<typeof entraSettingsSchema>;

function endpointProblem(value: string, { allowHttpLoopback }: { allowHttpLoopback: boolean }): string | undefined {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return 'must be a URL such as https://graph.microsoft.com';
  }
  if (url.username || url.password || url.search || url.hash || url.pathname !== '/') {
    return 'must be only a scheme and host (and port), without a path, e.g. https://graph.microsoft.com';
  }
  if (url.protocol === 'https:') return undefined;
  if (url.protocol === 'http:' && isLoopbackHost(url.hostname)) {
    return allowHttpLoopback
      ? undefined
      : 'must use https; plain http is allowed only for the Graph endpoint of a loopback simulator, with "Allow plain http to a loopback simulator" on';
  }
  return 'must use https';
}

export type EntraSecretName = 'clientSecret' | 'certificatePem';

/** Both optional for the SDK: which one is required depends on `authMode` (checked in `credential.ts`). */
export const entraSecretFields: Readonly<Record<EntraSecretName, SecretField>> = {
  clientSecret: {
    label: 'Client secret',
    description: 'The secret **Value** (not the Secret ID) from Certificates & secrets. Needed when Authentication is "client secret".',
    optional: true,
    sentTo: ['tenantId', 'authorityHost', 'graphBaseUrl'],
  },
  certificatePem: {
    label: 'Certificate with private key (PEM)',
    description:
      'The certificate and its unencrypted private key in one PEM text. Upload the certificate (public part) to the app registration. Needed when Authentication is "client certificate".',
    optional: true,
    sentTo: ['tenantId', 'authorityHost', 'graphBaseUrl'],
  },
};
