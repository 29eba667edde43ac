/**
 * How the fake org checks credentials, as Okta does: an SSWS API token, or the client credentials
 * grant of an API service app with a private-key JWT assertion (RS256, `iss` = `sub` = client id,
 * `aud` = the token URL, `kid` = the registered key) and, when the app requires it, DPoP with
 * Okta's nonce challenge. Signatures are verified with the app's public key, so a test passes only
 * when the SDK really signed with the configured key.
 */
import { createHash, createPublicKey, randomBytes, verify, type JsonWebKey, type KeyObject } from 'node:crypto';
import { OAUTH_DESCRIPTIONS, OAUTH_DOCUMENTED_ERRORS, oauthError, oktaError, OKTA_SUMMARIES } from './okta-responses.js';

export type FakeCredential =
  | { readonly mode: 'api_token'; readonly token: string }
  | {
      readonly mode: 'private_key';
      readonly clientId: string;
      readonly keyId: string;
      readonly publicKey: KeyObject;
      /** Okta's default for API service apps created since 2024. */
      readonly requireDpop: boolean;
      readonly grantedScopes: readonly string[];
    };

export interface AuthReply {
  readonly status: number;
  readonly body: unknown;
  readonly headers?: Record<string, string>;
}

interface Jwt {
  readonly header: Record<string, unknown>;
  readonly claims: Record<string, unknown>;
  readonly signedPart: string;
  readonly signature: Buffer;
}

function decodeJwt(token: string): Jwt | undefined {
  const [header, claims, signature] = token.split('.');
  if (!header || !claims || signature === undefined) return undefined;
  try {
    return {
      header: JSON.parse(Buffer.from(header, 'base64url').toString('utf8')) as Record<string, unknown>,
      claims: JSON.parse(Buffer.from(claims, 'base64url').toString('utf8')) as Record<string, unknown>,
      signedPart: `${header}.${claims}`,
      signature: Buffer.from(signature, 'base64url'),
    };
  } catch {
    return undefined;
  }
}

const signedBy = (jwt: Jwt, key: KeyObject): boolean => verify('RSA-SHA256', Buffer.from(jwt.signedPart), key, jwt.signature);

const unauthorized = (): AuthReply => ({ status: 401, body: oktaError('E0000011', OKTA_SUMMARIES.E0000011) });

export class FakeOktaAuth {
  /** Access tokens issued, and whether each is DPoP-bound. */
  private readonly issued = new Map<string, boolean>();
  private nonce = randomBytes(12).toString('base64url');
  /** Token requests answered, for tests that count them. */
  tokenRequests = 0;

  constructor(
    private readonly orgUrl: string,
    private readonly credential: FakeCredential,
  ) {}

  /** Forgets every issued token, as when Okta revokes them. */
  revokeTokens(): void {
    this.issued.clear();
  }

  /** Checks the credential of an API request; undefined when accepted. */
  checkApiRequest(method: string, url: URL, headers: Readonly<Record<string, string | undefined>>): AuthReply | undefined {
    const authorization = headers.authorization ?? '';
    if (this.credential.mode === 'api_token') return authorization === `SSWS ${this.credential.token}` ? undefined : unauthorized();
    const [scheme, token = ''] = authorization.split(' ');
    const boundToDpop = this.issued.get(token);
    if (boundToDpop === undefined) return unauthorized();
    if (!boundToDpop) return scheme === 'Bearer' ? undefined : unauthorized();
    if (scheme !== 'DPoP') return unauthorized();
    const proof = decodeJwt(headers.dpop ?? '');
    const ath = createHash('sha256').update(token).digest('base64url');
    if (!proof || !this.validDpopProof(proof, method, `${url.origin}${url.pathname}`) || proof.claims.ath !== ath) {
      return { status: 400, body: oauthError('invalid_dpop_proof', OAUTH_DOCUMENTED_ERRORS.invalid_dpop_proof.description) };
    }
    return undefined;
  }

  /** Answers `POST /oauth2/v1/token`. */
  token(form: URLSearchParams, headers: Readonly<Record<string, string | undefined>>): AuthReply {
    this.tokenRequests += 1;
    const app = this.credential;
    if (app.mode !== 'private_key') return { status: 401, body: oauthError('invalid_client', OAUTH_DESCRIPTIONS.invalid_client) };
    if (form.get('grant_type') !== 'client_credentials') return { status: 400, body: oauthError('unsupported_grant_type', 'The authorization grant type is not supported by the authorization server. Configured grant types: [client_credentials].') };
    const assertion = decodeJwt(form.get('client_assertion') ?? '');
    const now = Math.floor(Date.now() / 1000);
    if (
      form.get('client_assertion_type') !== 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer' ||
      !assertion ||
      assertion.header.alg !== 'RS256' ||
      assertion.claims.iss !== app.clientId ||
      assertion.claims.sub !== app.clientId ||
      assertion.claims.aud !== `${this.orgUrl}/oauth2/v1/token` ||
      typeof assertion.claims.exp !== 'number' ||
      assertion.claims.exp < now ||
      !signedBy(assertion, app.publicKey)
    ) {
      return { status: 401, body: oauthError('invalid_client', OAUTH_DESCRIPTIONS.assertionSignatureInvalid) };
    }
    // Without a kid Okta tries the app's keys; with one, it must name the app's key.
    if (assertion.header.kid !== undefined && assertion.header.kid !== app.keyId) {
      return { status: 401, body: oauthError('invalid_client', OAUTH_DESCRIPTIONS.assertionKidInvalid) };
    }
    const requested = (form.get('scope') ?? '').split(' ').filter(Boolean);
    const refused = requested.filter((scope) => !app.grantedScopes.includes(scope));
    if (refused.length > 0) {
      return { status: 400, body: oauthError('invalid_scope', OAUTH_DESCRIPTIONS.scopesNotAllowed.replace('{0}', refused.join(', '))) };
    }
    // Okta ignores a DPoP proof for an app that does not require DPoP, and issues a Bearer token.
    if (app.requireDpop) {
      const proof = decodeJwt(headers.dpop ?? '');
      if (!proof || !this.validDpopProof(proof, 'POST', `${this.orgUrl}/oauth2/v1/token`)) {
        return { status: 400, body: oauthError('invalid_dpop_proof', OAUTH_DESCRIPTIONS.dpopProofMissing) };
      }
      if (proof.claims.nonce !== this.nonce) {
        return {
          status: 400,
          body: oauthError('use_dpop_nonce', OAUTH_DESCRIPTIONS.use_dpop_nonce),
          headers: { 'dpop-nonce': this.nonce },
        };
      }
    }
    const accessToken = randomBytes(24).toString('base64url');
    this.issued.set(accessToken, app.requireDpop);
    return {
      status: 200,
      body: { token_type: app.requireDpop ? 'DPoP' : 'Bearer', expires_in: 3600, access_token: accessToken, scope: requested.join(' ') },
    };
  }

  /** A DPoP proof: `typ` dpop+jwt, the public key in `jwk`, signed by it, for this method and URL. */
  private validDpopProof(proof: Jwt, method: string, htu: string): boolean {
    if (proof.header.typ !== 'dpop+jwt' || typeof proof.header.jwk !== 'object' || proof.header.jwk === null) return false;
    let key: KeyObject;
    try {
      key = createPublicKey({ key: proof.header.jwk as JsonWebKey, format: 'jwk' });
    } catch {
      return false;
    }
    return signedBy(proof, key) && String(proof.claims.htm).toUpperCase() === method.toUpperCase() && proof.claims.htu === htu;
  }
}
