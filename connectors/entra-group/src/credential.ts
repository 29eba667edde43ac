/**
 * The app registration's credential: which secret the auth mode needs, the Azure Identity
 * credential built from it, and a guard that makes every token request abortable and every
 * sign-in failure a classified SDK error.
 */
import { X509Certificate, createPrivateKey } from 'node:crypto';
import { InvalidConfigError, classifyNetworkError, isConnectorError, isLoopbackHost, type ConnectorError } from '@clearway/connector-sdk';
import { ClientCertificateCredential, ClientSecretCredential, type AccessToken, type GetTokenOptions, type TokenCredential } from '@azure/identity';
import { SIGN_IN, carryFailure } from './errors.js';
import { entraSecretFields, type EntraSecretName, type EntraSettings } from './settings.js';
import { classifySignInFailure, type SignInAnswers } from './sign-in.js';

type AbortSignalLike = NonNullable<GetTokenOptions['abortSignal']>;

export type EntraAuth =
  | { readonly mode: 'client_secret'; readonly clientSecret: string }
  | { readonly mode: 'client_certificate'; readonly certificatePem: string; readonly expiresAt: Date };

const CONNECTOR = 'The Microsoft Entra group connector';

/** The credential the auth mode asks for, or an `InvalidConfigError` naming what is missing or wrong. */
export function resolveAuth(settings: EntraSettings, secrets: Readonly<Record<EntraSecretName, string | undefined>>): EntraAuth {
  if (settings.authMode === 'client_secret') {
    if (!secrets.clientSecret) throw missing('a client secret', 'clientSecret');
    return { mode: 'client_secret', clientSecret: secrets.clientSecret };
  }
  if (!secrets.certificatePem) throw missing('a client certificate', 'certificatePem');
  return { mode: 'client_certificate', certificatePem: secrets.certificatePem, expiresAt: readCertificate(secrets.certificatePem) };
}

function missing(what: string, field: EntraSecretName): InvalidConfigError {
  return new InvalidConfigError(`${CONNECTOR} signs in with ${what}, but its ${entraSecretFields[field].label} is missing.`, {
    code: 'missing_secret',
  });
}

const CERTIFICATE_BLOCK = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/;

/** Checks the PEM the way Azure Identity will use it: a certificate and its unencrypted private key. */
function readCertificate(pem: string): Date {
  const invalid = (problem: string) =>
    new InvalidConfigError(`${CONNECTOR}'s ${entraSecretFields.certificatePem.label} ${problem}`, { code: 'invalid_certificate' });
  const block = CERTIFICATE_BLOCK.exec(pem)?.[0];
  if (!block) throw invalid('has no certificate: paste the certificate and its private key, both PEM-encoded.');
  let certificate: X509Certificate;
  try {
    certificate = new X509Certificate(block);
  } catch {
    throw invalid('holds a certificate that cannot be read.');
  }
  if (/ENCRYPTED PRIVATE KEY/.test(pem)) throw invalid('holds an encrypted private key: export the key without a password.');
  if (!/-----BEGIN (RSA |EC )?PRIVATE KEY-----/.test(pem)) throw invalid('has no private key: add the private key below the certificate.');
  let matches: boolean;
  try {
    matches = certificate.checkPrivateKey(createPrivateKey(pem));
  } catch {
    throw invalid('holds a private key that cannot be read.');
  }
  if (!matches) throw invalid('holds a private key that does not belong to its certificate.');
  return new Date(certificate.validTo);
}

/**
 * The Azure Identity credential for the settings; never retries on its own (the engine does). Every
 * answer of the sign-in endpoints passes `answers`, so a failure can be classified from what was said.
 */
export function createAzureCredential(settings: EntraSettings, auth: EntraAuth, answers?: SignInAnswers): TokenCredential {
  const options = {
    authorityHost: new URL(settings.authorityHost).origin,
    // Authority validation asks the public cloud about the host; a loopback simulator cannot pass it.
    disableInstanceDiscovery: isLoopbackHost(new URL(settings.authorityHost).hostname),
    retryOptions: { maxRetries: 0 },
    ...(answers && { additionalPolicies: [{ policy: answers.policy, position: 'perRetry' as const }] }),
  };
  return auth.mode === 'client_secret'
    ? new ClientSecretCredential(settings.tenantId, settings.clientId, auth.clientSecret, options)
    : new ClientCertificateCredential(settings.tenantId, settings.clientId, { certificate: auth.certificatePem }, options);
}

/** The Graph resource's `.default` scope: the application permissions granted to the app. */
export function graphScope(graphBaseUrl: string): string {
  return `${new URL(graphBaseUrl).origin}/.default`;
}

/**
 * Wraps a credential so that a token request stops waiting when the request's signal aborts (Azure
 * Identity does not always honour it), and so that a failure leaves as a classified SDK error
 * carried through the Graph client's error handling. With `answers`, a failure is classified from
 * what the sign-in endpoints answered during that sign-in.
 */
export function guardCredential(createInner: () => TokenCredential, auth: EntraAuth, now: () => number, answers?: SignInAnswers): TokenCredential {
  // MSAL keeps a throttle of its own: after a 429 or 5xx from the token endpoint it refuses to ask
  // again for Retry-After seconds, else 60, at most an hour (msal-common ThrottlingUtils), replaying
  // the old answer without a request. The engine owns retries (and caps what a header may ask), so
  // a failed sign-in drops its MSAL client: the next attempt, whenever the engine makes it, asks.
  let inner: TokenCredential | undefined;
  // Calls that need a token at the same moment (a burst of jobs on a cold connector) share one
  // sign-in instead of each starting its own; the credential caches the token after that.
  const inFlight = new Map<string, Promise<AccessToken | null>>();
  const shared = (scopes: string | string[], options?: GetTokenOptions): Promise<AccessToken | null> => {
    const key = ([] as string[]).concat(scopes).join(' ');
    let pending = inFlight.get(key);
    if (!pending) {
      const { abortSignal: _ownSignal, ...rest } = options ?? {};
      const mark = answers?.mark() ?? 0;
      const current = (inner ??= createInner());
      pending = current.getToken(scopes, rest).catch((error: unknown) => {
        if (inner === current) inner = undefined;
        throw explainSignInFailure(classifySignInFailure(error, answers && { recorder: answers, mark }), auth, now());
      });
      inFlight.set(key, pending);
      const clear = () => inFlight.delete(key);
      pending.then(clear, clear);
    }
    return pending;
  };
  return {
    async getToken(scopes: string | string[], options?: GetTokenOptions): Promise<AccessToken | null> {
      try {
        return await untilAborted(shared(scopes, options), options?.abortSignal);
      } catch (error) {
        throw carryFailure(isConnectorError(error) ? error : (classifyNetworkError(error, SIGN_IN) ?? classifySignInFailure(error)));
      }
    },
  };
}

function explainSignInFailure(classified: ConnectorError, auth: EntraAuth, now: number): ConnectorError {
  if (classified.kind === 'auth' && auth.mode === 'client_certificate' && auth.expiresAt.getTime() <= now) {
    return classified.withMessage(`${classified.message} The configured certificate expired on ${auth.expiresAt.toISOString().slice(0, 10)}.`);
  }
  return classified;
}

function untilAborted<T>(promise: Promise<T>, signal: AbortSignalLike | undefined): Promise<T> {
  if (!signal) return promise;
  const aborted = () => Object.assign(new Error('The token request was abandoned: the operation was aborted or timed out.'), { name: 'AbortError' });
  if (signal.aborted) return Promise.reject(aborted());
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(aborted());
    signal.addEventListener('abort', onAbort);
    const settle = () => signal.removeEventListener('abort', onAbort);
    promise.then(
      (value) => {
        settle();
        resolve(value);
      },
      (error: unknown) => {
        settle();
        reject(error instanceof Error ? error : new Error('The token request failed.', { cause: error }));
      },
    );
  });
}

/**
 * The application permissions (`roles` claim) in an app-only access token. Read without verifying
 * the signature: it only tells the admin what was consented, it authorizes nothing.
 */
export function grantedRoles(token: string): readonly string[] | undefined {
  const payload = token.split('.')[1];
  if (!payload) return undefined;
  try {
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { roles?: unknown };
    return Array.isArray(claims.roles) ? claims.roles.filter((role): role is string => typeof role === 'string') : [];
  } catch {
    return undefined;
  }
}
