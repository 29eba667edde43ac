/**
 * The one place a SCIM error answer becomes an SDK error. `SCIM_ERROR_RULES` is read top to
 * bottom; the first row whose status and `scimType` match decides the kind, the stable `code` and
 * the admin-facing summary. Status → kind, `Retry-After` → `retryAfterMs` and the request id come
 * from the SDK (`classifyHttpErrorByRules`). The service's `detail` text is never shown: it can echo
 * filters, names and emails.
 *
 * Some codes are outcomes, not failures, where an operation knows what they mean: `no_target` on
 * remove (already not a member), `uniqueness` on add (already a member) and on create (the group
 * exists: bind it). The operations turn them into outcomes; elsewhere they stay errors.
 */
import { classifyHttpErrorByRules, type ConnectorError, type HeaderSource, type HttpErrorRule } from '@clearway/connector-sdk';
import { scimErrorSchema } from './resources.js';

export const CODE = {
  noTarget: 'no_target',
  uniqueness: 'uniqueness',
  invalidFilter: 'invalid_filter',
  notFound: 'not_found',
} as const;

export const SCIM_ERROR_RULES: readonly HttpErrorRule[] = [
  {
    // Clearway never follows redirects, so the credential only goes where the admin pointed it.
    status: [301, 302, 303, 307, 308],
    kind: 'invalid_config',
    code: 'redirected',
    summary: 'The SCIM service redirected the request. Set the base URL to the final address (Clearway does not follow redirects, so the token is only sent where you configured).',
  },
  { status: 400, providerCode: 'noTarget', code: CODE.noTarget, summary: 'The PATCH path matched nothing: the user is not a member of the group.' },
  { status: [400, 409], providerCode: 'uniqueness', code: CODE.uniqueness, summary: 'The service already has a resource with this value (for example a group of this name, or this member).' },
  {
    status: 400,
    providerCode: 'invalidFilter',
    code: CODE.invalidFilter,
    summary: 'The service refused the search filter Clearway sent: it may not support filtering on this attribute. Map the user explicitly, bind the group by id, or set Member lookup to "group".',
  },
  {
    status: 400,
    providerCode: 'mutability',
    kind: 'unsupported',
    code: 'read_only',
    summary: 'The service does not let this client change the group\'s members (the group or its members are read-only, or managed by another source). Bind a group the provisioning client may manage.',
  },
  {
    status: 400,
    providerCode: 'invalidPath',
    code: 'invalid_path',
    summary: 'The service refused the PATCH path. If this happened while removing a member, set Member removal to "value_list".',
  },
  { status: 400, providerCode: 'invalidValue', code: 'invalid_value', summary: 'The service refused a value Clearway sent (a user or group id it does not accept).' },
  { status: 400, providerCode: 'invalidSyntax', code: 'invalid_syntax', summary: 'The service could not parse the request; it may not support SCIM 2.0 PATCH.' },
  { status: 400, providerCode: 'tooMany', code: 'too_many', summary: 'The service refused to answer a search with that many results.' },
  { status: 400, providerCode: 'invalidVers', code: 'invalid_version', summary: 'The service refused the resource version (ETag) Clearway sent.' },
  { providerCode: 'sensitive', kind: 'invalid_request', code: 'sensitive', summary: 'The service refused a search that puts personal data in the URL.' },
  {
    status: 401,
    code: 'credentials_refused',
    summary: 'The SCIM service refused the credentials. Check the bearer token (or user name and password): it may have expired or been revoked, or belong to another tenant than the base URL.',
  },
  {
    status: 403,
    code: 'forbidden',
    summary: 'The credentials work but may not do this. Give the token (or its service account) the provisioning role that manages users and groups.',
  },
  { status: [404, 410], code: CODE.notFound, summary: 'The SCIM service does not know the user or group this action names (it may have been deleted).' },
  { status: 409, code: 'conflict', summary: 'The service refused the change as conflicting with the current state of the resource.' },
  {
    // RFC 7644 §3.14: If-Match did not match; someone changed the group after Clearway read it.
    status: 412,
    kind: 'transient',
    code: 'version_conflict',
    summary: 'The group changed between Clearway\'s read and its change (ETag mismatch); the action is retried against the new version.',
  },
  { status: 413, code: 'payload_too_large', summary: 'The service refused the request as too large.' },
  { status: 429, code: 'throttled', summary: 'The SCIM service is rate limiting this client; the action is retried after the wait it asked for.' },
  {
    status: 501,
    code: 'not_implemented',
    summary: 'The service does not implement this SCIM operation (PATCH, filtering or creating groups). Check the service\'s SCIM documentation for what it supports.',
  },
  { status: 'server_error', code: 'service_unavailable', summary: 'The SCIM service did not answer successfully; the action is retried.' },
];

export interface ScimErrorAnswer {
  readonly status: number;
  readonly headers?: HeaderSource;
  /** The parsed body, if any: a SCIM error message (RFC 7644 §3.12) or anything else. */
  readonly body?: unknown;
}

/** The `scimType` and `detail` of a SCIM error body, or nothing when the body is not one. */
export function readScimError(body: unknown): { readonly scimType?: string; readonly detail?: string } {
  const parsed = scimErrorSchema.safeParse(body);
  if (!parsed.success) return {};
  const { scimType, detail } = parsed.data;
  return { ...(scimType !== undefined && { scimType }), ...(detail !== undefined && { detail }) };
}

/** The SDK error for an error answer of a SCIM service. */
export function classifyScimError(answer: ScimErrorAnswer, action: string, now?: number): ConnectorError {
  const { scimType, detail } = readScimError(answer.body);
  return classifyHttpErrorByRules(SCIM_ERROR_RULES, {
    status: answer.status,
    action,
    ...(answer.headers !== undefined && { headers: answer.headers }),
    ...(now !== undefined && { now }),
    ...(scimType !== undefined && { providerCode: scimType }),
    ...(detail !== undefined && { message: detail }),
  });
}
