import { InvalidClientError, InvalidGrantError, InvalidRequestError, InvalidTargetError, UnsupportedGrantTypeError } from '@modelcontextprotocol/sdk/server/auth/errors.js';
import { s256, VERIFIER } from './authorize.js';
import type { SignInContext } from './context.js';
import { formParams, isFormContentType, json, oauthError, readSmallBody } from './http.js';
import { codeSchema, digest, names, tokenSchema, type RegisteredClient } from './records.js';
import { readClient } from './register.js';

type Params = Record<string, string>;

/** Form parameters of a token or revocation request, or the error answer. */
async function readForm(request: Request): Promise<Params | Response> {
  if (!isFormContentType(request.headers.get('content-type'))) return oauthError(new InvalidRequestError('Send the request as application/x-www-form-urlencoded.'));
  const text = await readSmallBody(request);
  if (text === undefined) return oauthError(new InvalidRequestError('The request is too large.'));
  const { params, repeated } = formParams(text);
  if (repeated !== undefined) return oauthError(new InvalidRequestError(`The ${repeated} parameter was sent twice.`));
  return params;
}

/** Public clients name themselves with `client_id` (RFC 6749 §3.2.1); a client that sends a secret is not one of ours. */
async function client(context: SignInContext, request: Request, params: Params): Promise<RegisteredClient | Response> {
  if (request.headers.has('authorization') || params.client_secret !== undefined) return oauthError(new InvalidClientError('Clients of this server are public: send client_id and PKCE, no secret.'));
  const found = params.client_id === undefined ? undefined : await readClient(context, params.client_id);
  return found ?? oauthError(new InvalidClientError('The client is not registered.'));
}

function tokenAnswer(issued: { accessToken: string; refreshToken: string; expiresIn: number }): Response {
  return json(200, { access_token: issued.accessToken, token_type: 'Bearer', expires_in: issued.expiresIn, refresh_token: issued.refreshToken });
}

/** `POST /token`: the authorization-code grant (PKCE, single use) and the refresh grant (rotating). */
export async function token(context: SignInContext, request: Request): Promise<Response> {
  const params = await readForm(request);
  if (params instanceof Response) return params;
  const found = await client(context, request, params);
  if (found instanceof Response) return found;
  if (params.grant_type === 'authorization_code') return codeGrant(context, found, params);
  if (params.grant_type === 'refresh_token') return refreshGrant(context, found, params);
  return oauthError(params.grant_type === undefined ? new InvalidRequestError('grant_type is required.') : new UnsupportedGrantTypeError('Only authorization_code and refresh_token are supported.'));
}

async function codeGrant(context: SignInContext, client: RegisteredClient, params: Params): Promise<Response> {
  const { code, code_verifier: verifier, redirect_uri: redirectUri, resource } = params;
  if (code === undefined || verifier === undefined) return oauthError(new InvalidRequestError('code and code_verifier are required.'));
  const codeHash = digest(code);
  const record = await context.records.read(names.code(code), codeSchema);
  const invalid = new InvalidGrantError('The authorization code is not valid, has expired or was already used.');
  if (!record || record.clientId !== client.client_id) return oauthError(invalid);
  if (record.used === true || !(await context.records.claim(names.used('code', codeHash), context.lifetimes.codeSeconds * 2))) {
    // RFC 6749 §4.1.2: a code used twice may have been stolen; the tokens it gave stop working.
    context.logger.warn('gateway sign-in: an authorization code was used twice; revoking what it issued', { clientId: client.client_id });
    await context.book.revokeClearwayTokens(record.connectionId);
    return oauthError(invalid);
  }
  await context.records.write(names.code(code), { ...record, used: true });
  if (record.expiresAt <= context.clock.now()) return oauthError(invalid);
  if (redirectUri !== record.redirectUri) return oauthError(new InvalidGrantError('redirect_uri must be the one the authorization request used.'));
  if (!VERIFIER.test(verifier) || s256(verifier) !== record.codeChallenge) return oauthError(new InvalidGrantError('The code_verifier does not match the code challenge.'));
  if (resource !== undefined && resource.replace(/\/+$/, '') !== record.resource) return oauthError(new InvalidTargetError(`Tokens are issued only for ${record.resource}.`));
  const connection = await context.book.connection(record.connectionId);
  if (!connection) return oauthError(invalid);
  return tokenAnswer(await context.book.issue(connection, record.resource));
}

async function refreshGrant(context: SignInContext, client: RegisteredClient, params: Params): Promise<Response> {
  const { refresh_token: refreshToken, resource } = params;
  if (refreshToken === undefined) return oauthError(new InvalidRequestError('refresh_token is required.'));
  const hash = digest(refreshToken);
  const invalid = new InvalidGrantError('The refresh token is not valid, has expired or was revoked.');
  const record = await context.records.read(names.refresh(hash), tokenSchema);
  if (!record || record.clientId !== client.client_id || record.expiresAt <= context.clock.now()) return oauthError(invalid);
  if (resource !== undefined && resource.replace(/\/+$/, '') !== record.resource) return oauthError(new InvalidTargetError(`Tokens are issued only for ${record.resource}.`));
  const connection = await context.book.connection(record.connectionId);
  // Rotation: each refresh token is used once (OAuth 2.1 §4.3.1); of two concurrent refreshes one wins.
  if (!connection || connection.refreshHash !== hash || !(await context.records.claim(names.used('refresh', hash), context.lifetimes.refreshTokenSeconds))) return oauthError(invalid);
  return tokenAnswer(await context.book.issue(connection, record.resource));
}

/**
 * `POST /revoke` (RFC 7009): always 200 for a well-formed request. Revoking an access token ends
 * that token; revoking the refresh token is the client signing out, so the whole connection ends
 * — Clearway's tokens and the user's upstream tokens — as a disconnect by the user.
 */
export async function revoke(context: SignInContext, request: Request): Promise<Response> {
  const params = await readForm(request);
  if (params instanceof Response) return params;
  const found = await client(context, request, params);
  if (found instanceof Response) return found;
  if (params.token === undefined) return oauthError(new InvalidRequestError('token is required.'));
  const hash = digest(params.token);
  const hint = params.token_type_hint;
  const order = hint === 'refresh_token' ? (['refresh', 'access'] as const) : (['access', 'refresh'] as const);
  for (const kind of order) {
    const record = await context.records.read(kind === 'access' ? names.access(hash) : names.refresh(hash), tokenSchema);
    if (!record || record.clientId !== found.client_id) continue;
    if (kind === 'access') await context.records.delete(names.access(hash));
    else {
      const connection = await context.book.connection(record.connectionId);
      if (connection) await context.book.disconnect(connection.id, { accountId: connection.accountId, role: 'user' });
    }
    break;
  }
  return json(200, {});
}
