/**
 * An in-memory "Acme Directory": a tiny HTTP API with users, groups and membership, a bearer
 * token, and injectable faults. It answers through a fetch-compatible function so the example
 * provider runs unchanged against it.
 */
import type { FaultInjector } from '../testing/harness.js';

export interface AcmeUser {
  id: string;
  login: string;
  email: string;
  status: 'active' | 'suspended';
}

interface AcmeGroup {
  id: string;
  name: string;
  members: Set<string>;
}

type Fault = { status: number; headers?: Record<string, string> } | 'reset' | 'hang';

const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...headers } });
const empty = (status: number) => new Response(null, { status });
const problem = (status: number, code: string, message: string) => json(status, { error: { code, message } });
/** What fetch rejects with on abort: the signal's reason (an AbortError unless the caller gave another). */
const abortReason = (signal: AbortSignal): Error => (signal.reason instanceof Error ? signal.reason : new DOMException('This operation was aborted', 'AbortError'));

export class AcmeDirectory implements FaultInjector {
  readonly baseUrl = 'https://acme.example/api';
  readonly users = new Map<string, AcmeUser>();
  readonly groups = new Map<string, AcmeGroup>();
  /** Every request the directory received; one whose signal was already aborted is never sent, so never received. */
  readonly calls: string[] = [];
  private readonly faults: Fault[] = [];
  private nextId = 1;
  /** The most members one listing page holds, whatever page size the client asks for. */
  private memberPageSize = 100;

  constructor(readonly token: string) {}

  addUser(user: Omit<AcmeUser, 'id'> & { id?: string }): AcmeUser {
    const created = { ...user, id: user.id ?? `u${this.nextId++}` };
    this.users.set(created.id, created);
    return created;
  }

  addGroup(name: string): { id: string; name: string } {
    const group = { id: `g${this.nextId++}`, name, members: new Set<string>() };
    this.groups.set(group.id, group);
    return { id: group.id, name };
  }

  rateLimitNext(retryAfterMs: number): void {
    this.faults.push({ status: 429, headers: { 'retry-after': String(Math.ceil(retryAfterMs / 1000)) } });
  }
  /** A 429 whose Retry-After is an HTTP date, measured against the response's own Date. */
  rateLimitUntilNext(retryAfterMs: number): void {
    const date = new Date(Math.floor(Date.now() / 1000) * 1000);
    this.faults.push({ status: 429, headers: { date: date.toUTCString(), 'retry-after': new Date(date.getTime() + retryAfterMs).toUTCString() } });
  }
  unavailableNext(): void {
    this.faults.push({ status: 503 });
  }
  unauthorizedNext(): void {
    this.faults.push({ status: 401 });
  }
  forbiddenNext(): void {
    this.faults.push({ status: 403 });
  }
  resetNext(): void {
    this.faults.push('reset');
  }
  /** The next request gets this status and headers (with an Acme error body). */
  failNext(status: number, headers: Record<string, string> = {}): void {
    this.faults.push({ status, headers });
  }
  hangNext(): void {
    this.faults.push('hang');
  }
  requestsReceived(): number {
    return this.calls.length;
  }
  /** From now on, member listings answer at most `size` members a page. */
  pageMembersBy(size: number): void {
    this.memberPageSize = size;
  }

  readonly fetch = async (input: string | URL | Request, init: RequestInit = {}): Promise<Response> => {
    const url = new URL(input instanceof Request ? input.url : input.toString());
    const method = (init.method ?? 'GET').toUpperCase();
    // Like fetch: an aborted signal rejects with its reason before anything is sent.
    if (init.signal?.aborted) throw abortReason(init.signal);
    this.calls.push(`${method} ${url.pathname}${url.search}`);
    const fault = this.faults.shift();
    if (fault === 'hang') return this.noAnswer(init.signal);
    if (fault === 'reset') throw Object.assign(new TypeError('fetch failed'), { cause: { code: 'ECONNRESET' } });
    if (fault) return json(fault.status, { error: { code: `status_${fault.status}`, message: 'injected' } }, fault.headers);
    if (new Headers(init.headers).get('authorization') !== `Bearer ${this.token}`) return problem(401, 'unauthenticated', 'Bad token');
    const path = url.pathname.replace(/^\/api/, '').split('/').filter(Boolean);
    return this.route(method, path, url.searchParams, init.body);
  };

  /** Members in id order, a page at a time after the `after` id; `next` is the last id of a page that is not the last. */
  private listMembers(group: AcmeGroup, query: URLSearchParams): Response {
    const after = query.get('after');
    const ids = [...group.members].sort().filter((id) => after === null || id > after);
    const page = ids.slice(0, this.memberPageSize);
    const members = page.flatMap((id) => {
      const user = this.users.get(id);
      return user ? [{ id: user.id, login: user.login, email: user.email }] : [];
    });
    const last = page.at(-1);
    return json(200, { members, ...(ids.length > page.length && last !== undefined && { next: last }) });
  }

  /** A request nobody answers: it settles only when the caller aborts it, as fetch does. */
  private noAnswer(signal: AbortSignal | null | undefined): Promise<Response> {
    return new Promise((_resolve, reject) => signal?.addEventListener('abort', () => reject(abortReason(signal)), { once: true }));
  }

  private route(method: string, path: string[], query: URLSearchParams, body: unknown): Response {
    const [resource, id, sub, memberId] = path;
    if (resource === 'me' && method === 'GET') return json(200, { permissions: ['users:read', 'groups:write'] });
    if (resource === 'users' && method === 'GET') {
      if (!id) return json(200, [...this.users.values()].filter((user) => user.email === query.get('email')));
      const user = [...this.users.values()].find((candidate) => candidate.id === id || candidate.login === id);
      return user ? json(200, user) : problem(404, 'user_not_found', 'No such user');
    }
    if (resource !== 'groups') return problem(404, 'route_not_found', 'No such route');
    if (!id && method === 'GET') {
      // Like many directories, the name search is a prefix match: callers must filter exact names.
      const prefix = query.get('name') ?? '';
      return json(200, [...this.groups.values()].filter((group) => group.name.startsWith(prefix)).map(({ id: gid, name }) => ({ id: gid, name })));
    }
    if (!id && method === 'POST') {
      const { name } = JSON.parse(String(body)) as { name: string };
      return json(201, this.addGroup(name));
    }
    const group = id ? this.groups.get(id) : undefined;
    if (!group) return problem(404, 'group_not_found', 'No such group');
    if (!sub && method === 'GET') return json(200, { id: group.id, name: group.name });
    if (sub === 'members' && !memberId && method === 'GET') return this.listMembers(group, query);
    if (sub !== 'members' || !memberId) return problem(404, 'route_not_found', 'No such route');
    if (!this.users.has(memberId)) return problem(404, 'user_not_found', 'No such user');
    if (method === 'PUT') {
      group.members.add(memberId);
      return empty(204);
    }
    if (method === 'DELETE') return group.members.delete(memberId) ? empty(204) : problem(404, 'not_member', 'Not a member');
    if (method === 'GET') return group.members.has(memberId) ? empty(204) : problem(404, 'not_member', 'Not a member');
    return problem(405, 'method_not_allowed', 'No such route');
  }
}
