/**
 * What an admin configures for an Okta connector: the non-secret settings (a zod schema the admin
 * form is rendered from), the two secret fields, and the one place that checks the secrets match
 * the chosen sign-in method.
 */
import { InvalidConfigError, type SecretField } from '@clearway/connector-sdk';
import { createPrivateKey, type JsonWebKey } from 'node:crypto';
import { z } from 'zod';
import { checkOrgUrl } from './org-url.js';

/** The OAuth scopes a service app asks for; Okta refuses a token when one is not granted. */
export const OKTA_SCOPES = ['okta.groups.manage', 'okta.users.read'] as const;

export const AUTH_MODES = ['api_token', 'private_key'] as const;
export type AuthMode = (typeof AUTH_MODES)[number];

/** Long enough for one Okta call on a slow day, short enough to leave a 25 s Forge function room to retry. */
export const DEFAULT_REQUEST_TIMEOUT_MS = 10_000;

const fields = z.object({
  orgUrl: z
    .string()
    .trim()
    .min(1)
    .meta({
      title: 'Okta org URL',
      description: 'Your Okta org, for example https://acme.okta.com (not the -admin URL). Custom domains work too.',
    }),
  authMode: z.enum(AUTH_MODES).default('api_token').meta({
    title: 'Sign-in method',
    description: 'An Okta API token (SSWS), or an OAuth 2.0 API service app signing in with a private key (recommended).',
    choiceLabels: { api_token: 'API token (SSWS)', private_key: 'OAuth 2.0 service app with a private key (recommended)' },
  }),
  clientId: z.string().trim().min(1).optional().meta({
    title: 'Client ID',
    description: 'The Client ID of the API service app (private key sign-in only).',
  }),
  keyId: z.string().trim().min(1).optional().meta({
    title: 'Key ID (kid)',
    description: 'The KID Okta shows next to the public key of the service app. Needed when the app has more than one key.',
  }),
  requestTimeoutMs: z.number().int().min(1_000).max(60_000).default(DEFAULT_REQUEST_TIMEOUT_MS).meta({
    title: 'Request timeout (ms)',
    description: 'How long one call to Okta may take before it counts as a transient failure and is retried later.',
  }),
  allowInsecureLoopback: z.boolean().default(false).meta({
    title: 'Allow plain http on loopback',
    description: 'For the local Okta simulator only: accepts http://localhost or http://127.0.0.1 as the org URL. Never enable it for a real org.',
    // A development setting: the app's connector form leaves it out.
    testOnly: true,
  }),
});

export const oktaSettingsSchema = fields
  .superRefine((settings, ctx) => {
    const problem = checkOrgUrl(settings.orgUrl, settings.allowInsecureLoopback);
    if (typeof problem === 'string') ctx.addIssue({ code: 'custom', path: ['orgUrl'], message: problem });
    if (settings.authMode === 'private_key' && settings.clientId === undefined) {
      ctx.addIssue({ code: 'custom', path: ['clientId'], message: 'Private key sign-in needs the Client ID of the API service app.' });
    }
  })
  // Store the org URL as its origin, so `https://acme.okta.com/` and `https://acme.okta.com` are one org.
  .transform((settings) => ({ ...settings, orgUrl: new URL(settings.orgUrl).origin }));

export type OktaSettings = z.output<typeof oktaSettingsSchema>;

export type OktaSecretName = 'apiToken' | 'privateKey';

export const oktaSecretFields: Readonly<Record<OktaSecretName, SecretField>> = {
  apiToken: {
    label: 'API token',
    description: 'Sign-in method api_token: the token from Security → API → Tokens, without the "SSWS " prefix.',
    optional: true,
    sentTo: ['orgUrl'],
  },
  privateKey: {
    label: 'Private key',
    description: 'Sign-in method private_key: the RSA private key of the API service app, as PEM or as the JWK JSON Okta generated.',
    optional: true,
    sentTo: ['orgUrl'],
  },
};

/** The credential a connector signs in with, after checking it fits the chosen sign-in method. */
export type OktaCredentials =
  | { readonly mode: 'api_token'; readonly token: string }
  | { readonly mode: 'private_key'; readonly clientId: string; readonly keyId: string | undefined; readonly privateKey: string };

/**
 * Picks the credential the sign-in method needs from the secrets, or throws `InvalidConfigError`
 * naming what is missing or malformed. Never echoes a secret value.
 */
export function credentialsFor(settings: OktaSettings, secrets: Readonly<Record<OktaSecretName, string | undefined>>): OktaCredentials {
  if (settings.authMode === 'api_token') {
    const token = secrets.apiToken?.trim();
    if (!token) throw missing('api_token', oktaSecretFields.apiToken.label);
    if (/^ssws\s/i.test(token)) {
      throw new InvalidConfigError('Paste the Okta API token without the "SSWS " prefix.', { code: 'api_token_prefixed' });
    }
    if (/\s/.test(token)) throw new InvalidConfigError('The Okta API token contains spaces; paste it again as one word.', { code: 'api_token_malformed' });
    return { mode: 'api_token', token };
  }
  const privateKey = secrets.privateKey?.trim();
  if (!privateKey) throw missing('private_key', oktaSecretFields.privateKey.label);
  assertRsaPrivateKey(privateKey);
  // The schema requires a client id for this mode; the fallback only satisfies the type.
  return { mode: 'private_key', clientId: settings.clientId ?? '', keyId: settings.keyId, privateKey };
}

function missing(mode: AuthMode, label: string): InvalidConfigError {
  return new InvalidConfigError(`The Okta connector signs in with ${mode} but its ${label} is not set.`, { code: 'missing_secret' });
}

/**
 * The SDK signs its DPoP proofs with RS256 whatever the key type, so only RSA keys work end to end;
 * checking here turns a confusing token failure later into a clear settings error now.
 */
function assertRsaPrivateKey(text: string): void {
  let type: string | undefined;
  try {
    const key = text.startsWith('{')
      ? createPrivateKey({ key: JSON.parse(text) as JsonWebKey, format: 'jwk' })
      : createPrivateKey(text);
    type = key.asymmetricKeyType;
  } catch {
    throw new InvalidConfigError('The private key is neither a PEM private key nor a private JWK; paste the key Okta generated for the service app.', {
      code: 'private_key_malformed',
    });
  }
  if (type !== 'rsa') {
    throw new InvalidConfigError(`The private key is a ${type ?? 'non-RSA'} key; Okta's SDK signs with RS256, so use an RSA key.`, {
      code: 'private_key_not_rsa',
    });
  }
}
