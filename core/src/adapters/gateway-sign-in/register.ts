import { InvalidClientMetadataError, InvalidRequestError } from '@modelcontextprotocol/sdk/server/auth/errors.js';
import { OAuthClientMetadataSchema } from '@modelcontextprotocol/sdk/shared/auth.js';
import type { SignInContext } from './context.js';
import { json, oauthError, readSmallBody } from './http.js';
import { names, randomToken, registeredClientSchema, type RegisteredClient } from './records.js';
import { REGISTRATIONS_PER_MINUTE, withinMinuteLimit } from './window.js';

const MAX_REDIRECT_URIS = 10;
const MAX_NAME = 100;
const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]']);
const REFUSED_SCHEMES = new Set(['javascript:', 'data:', 'file:', 'blob:', 'vbscript:', 'about:']);

/**
 * Why a redirect URI cannot be registered, or undefined. MCP's authorization spec: redirect URIs
 * are HTTPS or loopback; native apps (Cursor, desktop clients) use private-use schemes (RFC 8252
 * §7.1). No fragment (RFC 6749 §3.1.2).
 */
export function redirectUriProblem(value: string): string | undefined {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return 'is not an absolute URL';
  }
  if (url.hash !== '' || value.includes('#')) return 'has a fragment';
  if (REFUSED_SCHEMES.has(url.protocol)) return `uses the ${url.protocol} scheme`;
  if (url.protocol === 'http:' && !LOOPBACK.has(url.hostname)) return 'is plain http on a host that is not loopback';
  if ((url.protocol === 'http:' || url.protocol === 'https:') && (url.username !== '' || url.password !== '')) return 'carries credentials';
  return undefined;
}

/** `POST /register` (RFC 7591 §3): a public client for PKCE; the name is what agent-policy rules match. */
export async function register(context: SignInContext, request: Request): Promise<Response> {
  const text = await readSmallBody(request);
  if (text === undefined) return oauthError(new InvalidRequestError('The registration request is too large.'));
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return oauthError(new InvalidClientMetadataError('The registration request is not JSON.'));
  }
  const parsed = OAuthClientMetadataSchema.safeParse(body);
  if (!parsed.success) return oauthError(new InvalidClientMetadataError(`The client metadata is not valid: ${parsed.error.issues.map((issue) => issue.path.join('.') || 'body').join(', ')}.`));
  const metadata = parsed.data;
  if (metadata.redirect_uris.length === 0 || metadata.redirect_uris.length > MAX_REDIRECT_URIS) {
    return json(400, { error: 'invalid_redirect_uri', error_description: `Register between 1 and ${MAX_REDIRECT_URIS} redirect URIs.` });
  }
  for (const uri of metadata.redirect_uris) {
    const problem = redirectUriProblem(uri);
    if (problem) return json(400, { error: 'invalid_redirect_uri', error_description: `The redirect URI ${problem}.` });
  }
  const grantTypes = metadata.grant_types ?? ['authorization_code', 'refresh_token'];
  if (grantTypes.some((grant) => grant !== 'authorization_code' && grant !== 'refresh_token')) {
    return oauthError(new InvalidClientMetadataError('Only the authorization_code and refresh_token grants are offered.'));
  }
  if ((metadata.response_types ?? ['code']).some((type) => type !== 'code')) return oauthError(new InvalidClientMetadataError('Only the code response type is offered.'));
  if (!(await withinMinuteLimit(context.records, context.clock, 'register', REGISTRATIONS_PER_MINUTE))) {
    return json(429, { error: 'temporarily_unavailable', error_description: 'Too many registrations in the last minute; try again shortly.' }, { 'retry-after': '60' });
  }
  const name = (metadata.client_name ?? '').replace(/[\p{Cc}\p{Cf}]/gu, '').trim().slice(0, MAX_NAME) || 'Unnamed client';
  const client: RegisteredClient = registeredClientSchema.parse({
    client_id: randomToken('cwc_'),
    client_id_issued_at: Math.floor(context.clock.now() / 1000),
    client_name: name,
    redirect_uris: metadata.redirect_uris.map(String),
    grant_types: grantTypes,
    response_types: ['code'],
    // Every client is public: PKCE proves the code's redeemer, and no secret is kept or sent (RFC 7591 §3.2.1 lets the server decide).
    token_endpoint_auth_method: 'none',
    ...(metadata.scope !== undefined && { scope: metadata.scope }),
    ...(metadata.client_uri !== undefined && { client_uri: metadata.client_uri }),
    ...(metadata.software_id !== undefined && { software_id: metadata.software_id }),
    ...(metadata.software_version !== undefined && { software_version: metadata.software_version }),
  });
  await context.records.write(names.client(client.client_id), client);
  return json(201, client);
}

export function readClient(context: SignInContext, clientId: string): Promise<RegisteredClient | undefined> {
  return context.records.read(names.client(clientId), registeredClientSchema);
}
