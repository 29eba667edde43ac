/**
 * What a request to the IdP is for, read from its method, path and body the way the vendors
 * route them: the fault plan is per endpoint, and the driver acts on membership changes in flight.
 */
export const ENDPOINTS = [
  'sign_in',
  'discovery',
  'user_lookup',
  'group_search',
  'group_create',
  'membership_add',
  'membership_remove',
  'membership_check',
] as const;
export type Endpoint = (typeof ENDPOINTS)[number];

export type Vendor = 'okta' | 'graph' | 'entra';

export interface RequestTarget {
  readonly vendor: Vendor | 'unknown';
  readonly endpoint: Endpoint | 'other';
  /** The group a membership request is about. */
  readonly groupId?: string;
  /** The users a membership request adds or removes (a Graph batch carries up to 20). */
  readonly userIds: readonly string[];
}

const DIRECTORY_OBJECT = /\/directoryObjects\/([^/?#]+)$/;

/** Graph names the users of `$ref` and `members@odata.bind` writes by directoryObject URL, in the body. */
function graphMemberIds(body: string): string[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return [];
  }
  if (parsed === null || typeof parsed !== 'object') return [];
  const record = parsed as Record<string, unknown>;
  const references = [record['@odata.id'], ...(Array.isArray(record['members@odata.bind']) ? (record['members@odata.bind'] as unknown[]) : [])];
  return references.flatMap((reference) => (typeof reference === 'string' ? (DIRECTORY_OBJECT.exec(reference)?.slice(1, 2) ?? []) : []));
}

function okta(method: string, segments: readonly string[]): RequestTarget {
  // /api/v1/<collection>/<id>/<relation>/<memberId>
  const [collection, id, relation, memberId] = segments.slice(2);
  const target = (endpoint: RequestTarget['endpoint'], extra: Partial<RequestTarget> = {}): RequestTarget => ({ vendor: 'okta', endpoint, userIds: [], ...extra });
  if (collection === 'users') {
    if (method === 'GET' && relation === 'groups') return target('membership_check', { userIds: id ? [id] : [] });
    return target(method === 'GET' ? 'user_lookup' : 'other');
  }
  if (collection !== 'groups') return target('other');
  if (!id) return target(method === 'POST' ? 'group_create' : method === 'GET' ? 'group_search' : 'other');
  if (!relation) return target(method === 'GET' ? 'group_search' : 'other', { groupId: id });
  if (relation !== 'users') return target('other', { groupId: id });
  if (!memberId) return target(method === 'GET' ? 'membership_check' : 'other', { groupId: id });
  const endpoint = method === 'PUT' ? 'membership_add' : method === 'DELETE' ? 'membership_remove' : 'other';
  return target(endpoint, { groupId: id, userIds: [memberId] });
}

function graph(method: string, segments: readonly string[], body: string): RequestTarget {
  // /v1.0/<collection>/<id>/<relation>/<memberId>/<$ref>
  const [collection, id, relation, memberId, ref] = segments.slice(1);
  const target = (endpoint: RequestTarget['endpoint'], extra: Partial<RequestTarget> = {}): RequestTarget => ({ vendor: 'graph', endpoint, userIds: [], ...extra });
  if (collection === 'users') {
    if (method === 'POST' && relation === 'checkMemberGroups') return target('membership_check', { userIds: id ? [id] : [] });
    return target(method === 'GET' && !relation ? 'user_lookup' : 'other');
  }
  if (collection !== 'groups') return target('other');
  if (!id) return target(method === 'POST' ? 'group_create' : method === 'GET' ? 'group_search' : 'other');
  if (!relation) {
    if (method === 'PATCH') return target('membership_add', { groupId: id, userIds: graphMemberIds(body) });
    return target(method === 'GET' ? 'group_search' : 'other', { groupId: id });
  }
  if (relation !== 'members') return target('other', { groupId: id });
  if (method === 'POST' && memberId === '$ref') return target('membership_add', { groupId: id, userIds: graphMemberIds(body) });
  if (method === 'DELETE' && memberId && ref === '$ref') return target('membership_remove', { groupId: id, userIds: [memberId] });
  if (method === 'GET' && !memberId) return target('membership_check', { groupId: id });
  // The direct check by key: GET /groups/{id}/members/{user-id}/microsoft.graph.user (200 a member, 404 not).
  if (method === 'GET' && memberId && ref === 'microsoft.graph.user') return target('membership_check', { groupId: id, userIds: [memberId] });
  return target('other', { groupId: id });
}

export function classifyRequest(method: string, path: string, body = ''): RequestTarget {
  const pathname = path.split('?')[0] ?? '';
  const segments = pathname.split('/').map((segment) => decodeURIComponent(segment)).slice(1);
  if (segments[0] === 'api' && segments[1] === 'v1') return okta(method.toUpperCase(), segments);
  if (segments[0] === 'v1.0') return graph(method.toUpperCase(), segments, body);
  if (/\/oauth2\/(v2\.0|v1)\/token$/.test(pathname)) return { vendor: pathname.includes('/v2.0/') ? 'entra' : 'okta', endpoint: 'sign_in', userIds: [] };
  if (pathname.endsWith('/discovery/instance') || pathname.endsWith('/.well-known/openid-configuration')) return { vendor: 'entra', endpoint: 'discovery', userIds: [] };
  return { vendor: 'unknown', endpoint: 'other', userIds: [] };
}
