/**
 * Binding a tool's configured group: by id, by exact `displayName`, or by creating it once. Group
 * reads exclude `members` (RFC 7644 §3.9), so a large group costs no more than a small one.
 */
import { InvalidRequestError, NotFoundError, isConnectorError, type GroupBinding, type GroupRef, type GroupSpec, type OperationContext } from '@clearway/connector-sdk';
import { CODE } from './errors.js';
import { filters } from './filter.js';
import { SCHEMA, listResponseOf, scimGroupSchema, type ScimGroup } from './resources.js';
import { pathSegment, unexpectedAnswer, type ScimClient } from './scim-client.js';

const groupList = listResponseOf(scimGroupSchema);
const WITHOUT_MEMBERS = { excludedAttributes: 'members' } as const;
/** Enough to see a duplicate or a case variant of the name. */
const NAME_PROBE = '10';

const refOf = (group: ScimGroup, fallbackName?: string): GroupRef => {
  const name = group.displayName ?? fallbackName;
  return { id: group.id, ...(name !== undefined && { name }) };
};

export function createGroupBinder(client: ScimClient) {
  const readGroup = async (ctx: OperationContext, id: string): Promise<GroupRef> => {
    const action = 'Reading the SCIM group';
    const { value } = await client.read(ctx, { method: 'GET', path: `/Groups/${pathSegment(id)}`, query: WITHOUT_MEMBERS, action }, scimGroupSchema);
    // Binding stores this id: an answer about another group would bind the tool to it.
    if (value.id !== id) throw unexpectedAnswer(action, 200);
    return refOf(value);
  };

  /**
   * The one group with this name. `displayName` is case-insensitive in SCIM (RFC 7643 §4.2), so a
   * group that differs only in case is the same name to the service: bound if it is the only one.
   * Matching is also checked here, so a service that ignores the filter binds nothing wrong.
   */
  const findByName = async (ctx: OperationContext, name: string): Promise<GroupRef | undefined> => {
    const { value } = await client.read(
      ctx,
      { method: 'GET', path: '/Groups', query: { filter: filters.displayNameEq(name), ...WITHOUT_MEMBERS, count: NAME_PROBE }, action: 'Searching SCIM groups by name' },
      groupList,
    );
    const found = value.Resources ?? [];
    const exact = found.filter((group) => group.displayName === name);
    const candidates = exact.length > 0 ? exact : found.filter((group) => group.displayName?.toLowerCase() === name.toLowerCase());
    if (candidates.length > 1) {
      throw new InvalidRequestError(`${candidates.length} SCIM groups are named "${name}"; bind the tool to one of them by id.`, { code: 'ambiguous_group_name' });
    }
    const [group] = candidates;
    return group && refOf(group);
  };

  const create = async (ctx: OperationContext, name: string): Promise<GroupBinding> => {
    const action = 'Creating the SCIM group';
    try {
      // RFC 7643 §4.2 has no description attribute; `members` starts empty.
      const answer = await client.send(ctx, { method: 'POST', path: '/Groups', body: { schemas: [SCHEMA.group], displayName: name }, action });
      // RFC 7644 §3.3: a created resource is 201 with its representation; the id in it is what gets stored.
      const created = scimGroupSchema.safeParse(answer.body);
      if (answer.status !== 201 || !created.success) throw unexpectedAnswer(action, answer.status);
      return { group: refOf(created.data, name), outcome: 'created' };
    } catch (error) {
      // Created meanwhile (another run, or a search index that lagged): bind the one that exists.
      if (!(isConnectorError(error) && error.code === CODE.uniqueness)) throw error;
      const existing = await findByName(ctx, name);
      if (!existing) throw error;
      return { group: existing, outcome: 'bound' };
    }
  };

  return async (ctx: OperationContext, spec: GroupSpec): Promise<GroupBinding> => {
    if (spec.groupId) return { group: await readGroup(ctx, spec.groupId), outcome: 'bound' };
    const name = spec.name?.trim() ?? '';
    const existing = await findByName(ctx, name);
    if (existing) return { group: existing, outcome: 'bound' };
    if (!spec.createIfMissing) throw new NotFoundError(`No SCIM group is named "${name}". Create it in the service, bind it by id, or let Clearway create it.`, { code: 'group_not_found' });
    return create(ctx, name);
  };
}
