/**
 * The Microsoft Entra sign-in endpoints behind nock, for the real `ClientSecretCredential` and
 * `ClientCertificateCredential`: instance discovery and OpenID configuration (both optional: MSAL
 * knows the public and national clouds' metadata, and skips discovery for a loopback authority), and
 * the v2.0 token endpoint doing the client-credentials grant. It checks the client id, the scope, and
 * either the client secret or the client assertion — a JWT whose signature it verifies against the
 * registered certificate, whose `x5t`/`x5t#S256` must match it, and which is refused once the
 * certificate has expired. Refusals carry AADSTS codes in the token endpoint's documented error
 * shape (https://learn.microsoft.com/en-us/entra/identity-platform/v2-oauth2-client-creds-grant-flow#error-response).
 * Issued tokens are JWT-shaped, carry the granted `roles`, and are accepted by the fake tenant.
 * `answerNext` makes any of the three endpoints answer the next request with whatever a test needs:
 * an outage, a throttle, junk.
 */
import { X509Certificate, constants, createHash, randomUUID, verify } from 'node:crypto';
import nock from 'nock';
import type { FakeGraphTenant } from './fake-tenant.js';

export interface RegisteredApp {
  readonly clientId: string;
  readonly clientSecret?: string;
  /** PEM of the certificate (public part) uploaded to the app registration. */
  readonly certificatePem?: string;
}

export type SignInEndpoint = 'instance discovery' | 'OpenID configuration' | 'token endpoint';

/** A raw answer: status, body (an object is sent as JSON, a string as is) and headers. */
export interface RawAnswer {
  readonly status: number;
  readonly body?: unknown;
  readonly headers?: Readonly<Record<string, string>>;
}

interface SignInRefusal {
  readonly status: number;
  readonly error: string;
  readonly aadsts: number;
  readonly description: string;
  readonly headers?: Readonly<Record<string, string>>;
}

const PUBLIC_CLOUD = 'https://login.microsoftonline.com';

const base64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

/** A JWT-shaped, unsigned access token with the claims Graph reads. */
export function fakeAccessToken(claims: { roles: readonly string[]; audience?: string; tenantId?: string; appId?: string }): string {
  const now = Math.floor(Date.now() / 1000);
  const payload = {
    aud: claims.audience ?? 'https://graph.microsoft.com',
    iss: `https://sts.windows.net/${claims.tenantId ?? randomUUID()}/`,
    iat: now,
    nbf: now,
    exp: now + 3600,
    appid: claims.appId ?? randomUUID(),
    roles: claims.roles,
    tid: claims.tenantId ?? randomUUID(),
    uti: randomUUID(),
  };
  return `${base64url({ typ: 'JWT', alg: 'RS256', kid: 'fake' })}.${base64url(payload)}.${Buffer.from(randomUUID()).toString('base64url')}`;
}

export class FakeEntraAuthority {
  /** Token requests as the endpoint received them (form fields). */
  readonly tokenRequests: URLSearchParams[] = [];
  /** How many requests each endpoint received. */
  readonly received: Record<SignInEndpoint, number> = { 'instance discovery': 0, 'OpenID configuration': 0, 'token endpoint': 0 };
  private readonly refusals: SignInRefusal[] = [];
  private readonly answers: Record<SignInEndpoint, RawAnswer[]> = { 'instance discovery': [], 'OpenID configuration': [], 'token endpoint': [] };

  constructor(
    readonly tenantId: string,
    readonly app: RegisteredApp,
    readonly tenant: FakeGraphTenant,
    readonly host = 'https://login.microsoftonline.com',
  ) {}

  /** The next token request is refused with this AADSTS error. */
  refuseNext(refusal: SignInRefusal): void {
    this.refusals.push(refusal);
  }

  /** The next request to `endpoint` gets this answer instead of the real one. */
  answerNext(endpoint: SignInEndpoint, answer: RawAnswer): void {
    this.answers[endpoint].push(answer);
  }

  private queued(endpoint: SignInEndpoint): [number, unknown, Record<string, string>] | undefined {
    this.received[endpoint] += 1;
    const answer = this.answers[endpoint].shift();
    if (!answer) return undefined;
    const json = typeof answer.body !== 'string' && answer.body !== undefined;
    return [answer.status, answer.body ?? '', { ...(json && { 'content-type': 'application/json; charset=utf-8' }), ...answer.headers }];
  }

  install(): nock.Scope {
    const { tenantId, host } = this;
    const scope = nock(host).persist();
    const json = { 'content-type': 'application/json; charset=utf-8' };
    // MSAL asks the public cloud about any authority it does not know (msal-common AAD_INSTANCE_DISCOVERY_ENDPT).
    nock(PUBLIC_CLOUD)
      .persist()
      .get('/common/discovery/instance')
      .query(true)
      .optionally()
      .reply(() =>
        this.queued('instance discovery') ?? [
          200,
          {
            tenant_discovery_endpoint: `${host}/${tenantId}/v2.0/.well-known/openid-configuration`,
            'api-version': '1.1',
            metadata: [{ preferred_network: new URL(host).host, preferred_cache: new URL(host).host, aliases: [new URL(host).host] }],
          },
          json,
        ],
      );
    scope
      .get(`/${tenantId}/v2.0/.well-known/openid-configuration`)
      .query(true)
      .optionally()
      .reply(() =>
        this.queued('OpenID configuration') ?? [
          200,
          {
            token_endpoint: `${host}/${tenantId}/oauth2/v2.0/token`,
            authorization_endpoint: `${host}/${tenantId}/oauth2/v2.0/authorize`,
            end_session_endpoint: `${host}/${tenantId}/oauth2/v2.0/logout`,
            issuer: `${host}/${tenantId}/v2.0`,
            jwks_uri: `${host}/${tenantId}/discovery/v2.0/keys`,
            response_types_supported: ['code', 'id_token', 'code id_token', 'id_token token'],
          },
          json,
        ],
      );
    scope
      .post(`/${tenantId}/oauth2/v2.0/token`)
      .query(true)
      .reply((_uri, body) => this.queued('token endpoint') ?? this.token(new URLSearchParams(typeof body === 'string' ? body : '')));
    return scope;
  }

  private token(form: URLSearchParams): [number, unknown, Record<string, string>] {
    this.tokenRequests.push(form);
    const refusal = this.refusals.shift() ?? this.check(form);
    if (refusal) {
      return [
        refusal.status,
        {
          error: refusal.error,
          error_description: `AADSTS${refusal.aadsts}: ${refusal.description}\r\nTrace ID: ${randomUUID()}\r\nCorrelation ID: ${randomUUID()}\r\nTimestamp: ${new Date().toISOString()}`,
          error_codes: [refusal.aadsts],
          timestamp: new Date().toISOString(),
          trace_id: randomUUID(),
          correlation_id: randomUUID(),
        },
        { 'content-type': 'application/json; charset=utf-8', ...refusal.headers },
      ];
    }
    const accessToken = fakeAccessToken({
      roles: [...this.tenant.grantedRoles],
      audience: form.get('scope')?.replace(/\/\.default$/, ''),
      tenantId: this.tenantId,
      appId: this.app.clientId,
    });
    this.tenant.acceptedTokens.add(accessToken);
    return [200, { token_type: 'Bearer', expires_in: 3599, ext_expires_in: 3599, access_token: accessToken }, { 'content-type': 'application/json; charset=utf-8' }];
  }

  private check(form: URLSearchParams): SignInRefusal | undefined {
    if (form.get('grant_type') !== 'client_credentials') {
      return { status: 400, error: 'unsupported_grant_type', aadsts: 70003, description: 'The app requested an unsupported grant type.' };
    }
    if (form.get('client_id') !== this.app.clientId) {
      return { status: 400, error: 'unauthorized_client', aadsts: 700016, description: `Application with identifier '${form.get('client_id')}' was not found in the directory.` };
    }
    if (!form.get('scope')?.endsWith('/.default')) {
      return { status: 400, error: 'invalid_scope', aadsts: 1002012, description: 'The provided value for scope is not valid.' };
    }
    const assertion = form.get('client_assertion');
    if (assertion) return this.checkAssertion(assertion);
    if (!this.app.clientSecret || form.get('client_secret') !== this.app.clientSecret) {
      return {
        status: 401,
        error: 'invalid_client',
        aadsts: 7000215,
        description: 'Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID.',
      };
    }
    return undefined;
  }

  private checkAssertion(assertion: string): SignInRefusal | undefined {
    const invalid = (description: string): SignInRefusal => ({ status: 401, error: 'invalid_client', aadsts: 700027, description });
    if (!this.app.certificatePem) return invalid('No certificate is registered for the application.');
    const certificate = new X509Certificate(this.app.certificatePem);
    const [encodedHeader = '', encodedPayload = '', signature = ''] = assertion.split('.');
    const header = JSON.parse(Buffer.from(encodedHeader, 'base64url').toString()) as Record<string, string>;
    const payload = JSON.parse(Buffer.from(encodedPayload, 'base64url').toString()) as Record<string, unknown>;
    const der = certificate.raw;
    const matchesThumbprint =
      header.x5t === createHash('sha1').update(der).digest('base64url') || header['x5t#S256'] === createHash('sha256').update(der).digest('base64url');
    if (!matchesThumbprint) return invalid('Client assertion contains an invalid signature. [Reason - The key was not found.]');
    const data = Buffer.from(`${encodedHeader}.${encodedPayload}`);
    const key =
      header.alg === 'PS256'
        ? { key: certificate.publicKey, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: constants.RSA_PSS_SALTLEN_AUTO }
        : certificate.publicKey;
    if (!verify('sha256', data, key, Buffer.from(signature, 'base64url'))) return invalid('Client assertion contains an invalid signature.');
    if (payload.iss !== this.app.clientId || payload.sub !== this.app.clientId || payload.aud !== `${this.host}/${this.tenantId}/oauth2/v2.0/token`) {
      return invalid('Client assertion audience or issuer is not valid.');
    }
    if (new Date(certificate.validTo).getTime() < Date.now()) {
      return invalid('The certificate with identifier used to sign the client assertion is expired on application.');
    }
    return undefined;
  }
}
