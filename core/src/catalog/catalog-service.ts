import { MANUAL_CONNECTOR_ID } from '../connectors/connector.js';
import { ConflictError, NotFoundError, ValidationError } from '../errors.js';
import { currentGovernance } from '../governance/current.js';
import { pageRequest, put, type Page, type Write } from '../ports/store.js';
import { requireAdmin } from '../shared/authorize.js';
import type { Actor, CoreDeps } from '../shared/deps.js';
import { transact } from '../shared/transact.js';
import { parseInput } from '../shared/validate.js';
import { SEED_TOOLS } from './seed.js';
import { toolInputSchema, type Tool, type ToolInput } from './tool.js';

export async function getTool(deps: CoreDeps, toolId: string): Promise<Tool> {
  const tool = await deps.store.get('tool', toolId);
  if (!tool) throw new NotFoundError('Tool', toolId);
  return tool;
}

/** Catalog page, alphabetical; `requestableOnly` lists what a requester may ask for now. */
export async function listTools(
  deps: CoreDeps,
  options: { requestableOnly?: boolean; limit?: number; cursor?: string } = {},
): Promise<Page<Tool>> {
  const page = pageRequest(options, 50);
  return options.requestableOnly
    ? deps.store.query('tool', 'byStatus', { partition: ['approved'], ...page })
    : deps.store.query('tool', 'byName', { partition: [], ...page });
}

function slugOf(name: string): string {
  const slug = name
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 63);
  return slug.length >= 2 ? slug : `tool-${slug}`;
}

const TRACKED_FIELDS = ['name', 'vendor', 'status', 'riskLevel', 'defaultDurationDays', 'maxDurationDays', 'guidance', 'url', 'fulfillment'] as const;

/** Adds a tool or edits one (by `id`). Rebinding to another connector or group clears the stored binding. */
export async function saveTool(deps: CoreDeps, actor: Actor, input: ToolInput): Promise<Tool> {
  requireAdmin(actor, 'edit the catalog');
  const parsed = parseInput(toolInputSchema, input, 'tool');
  const id = parsed.id ?? slugOf(parsed.name);
  return transact(deps, async () => {
    const [existing, connector] = await Promise.all([deps.store.get('tool', id), deps.store.get('connector', parsed.fulfillment.connectorId)]);
    if (!connector) {
      throw new ValidationError(`Connector ${parsed.fulfillment.connectorId} does not exist.`, [
        { path: 'fulfillment.connectorId', message: 'no such connector' },
      ]);
    }
    const now = deps.clock.now();
    const sameBinding =
      existing !== undefined &&
      existing.fulfillment.connectorId === parsed.fulfillment.connectorId &&
      JSON.stringify(existing.fulfillment.group) === JSON.stringify(parsed.fulfillment.group);
    const tool: Tool = {
      id,
      version: existing?.version ?? 0,
      name: parsed.name,
      vendor: parsed.vendor,
      status: parsed.status,
      riskLevel: parsed.riskLevel,
      defaultDurationDays: parsed.defaultDurationDays,
      maxDurationDays: parsed.maxDurationDays,
      guidance: parsed.guidance,
      ...(parsed.url !== undefined && { url: parsed.url }),
      fulfillment: {
        connectorId: parsed.fulfillment.connectorId,
        group: parsed.fulfillment.group,
        ...(sameBinding && existing.fulfillment.bound && { bound: existing.fulfillment.bound }),
      },
      createdAt: existing?.createdAt ?? now,
      updatedAt: now,
    };
    const changed = existing
      ? TRACKED_FIELDS.filter((field) => JSON.stringify(existing[field]) !== JSON.stringify(tool[field]))
      : [...TRACKED_FIELDS];
    if (existing && changed.length === 0) return { writes: [], audit: [], result: existing };
    return {
      writes: [put('tool', tool)],
      audit: [
        {
          actor: actor.accountId,
          type: existing ? 'catalog.tool_updated' : 'catalog.tool_added',
          refs: { toolId: id, connectorId: tool.fulfillment.connectorId },
          data: { changed, status: tool.status, riskLevel: tool.riskLevel },
        },
      ],
      result: { ...tool, version: tool.version + 1 },
    };
  });
}

/**
 * Adds seed tools that are not in the catalog yet (all, or the ids given), with durations from
 * the governance risk rules and manual fulfillment. Existing tools are left as the admin set them.
 */
export async function seedCatalog(deps: CoreDeps, actor: Actor, options: { toolIds?: readonly string[] } = {}): Promise<{ added: string[]; skipped: string[] }> {
  requireAdmin(actor, 'seed the catalog');
  const wanted = options.toolIds ? SEED_TOOLS.filter((tool) => options.toolIds?.includes(tool.id)) : SEED_TOOLS;
  const unknown = (options.toolIds ?? []).filter((id) => !SEED_TOOLS.some((tool) => tool.id === id));
  if (unknown.length > 0) {
    throw new ValidationError(`Not in the seed list: ${unknown.join(', ')}.`, unknown.map((id) => ({ path: 'toolIds', message: `unknown seed tool ${id}` })));
  }
  const { rules } = await currentGovernance(deps.store);
  const added: string[] = [];
  const skipped: string[] = [];
  // A handful of tools per commit keeps each well inside the store's 25-write transactions.
  for (let start = 0; start < wanted.length; start += 10) {
    const batch = wanted.slice(start, start + 10);
    const result = await transact(deps, async () => {
      const existing = await Promise.all(batch.map((seed) => deps.store.get('tool', seed.id)));
      const now = deps.clock.now();
      const writes: Write[] = [];
      const batchAdded: string[] = [];
      batch.forEach((seed, index) => {
        if (existing[index]) return;
        const maxDurationDays = rules.riskRules[seed.riskLevel].maxDurationDays;
        const tool: Tool = {
          id: seed.id,
          version: 0,
          name: seed.name,
          vendor: seed.vendor,
          status: seed.status,
          riskLevel: seed.riskLevel,
          defaultDurationDays: Math.min(30, maxDurationDays),
          maxDurationDays,
          guidance: seed.guidance,
          url: seed.url,
          fulfillment: { connectorId: MANUAL_CONNECTOR_ID, group: { name: seed.name } },
          createdAt: now,
          updatedAt: now,
        };
        writes.push(put('tool', tool));
        batchAdded.push(seed.id);
      });
      return {
        writes,
        audit: batchAdded.length > 0 ? [{ actor: actor.accountId, type: 'catalog.seeded', data: { toolIds: batchAdded } }] : [],
        result: batchAdded,
      };
    });
    added.push(...result);
    skipped.push(...batch.map((seed) => seed.id).filter((id) => !result.includes(id)));
  }
  return { added, skipped };
}

/** Remembers the group a connector bound for a tool, so later jobs skip the lookup. */
export async function recordGroupBinding(
  deps: CoreDeps,
  toolId: string,
  binding: { groupId: string; groupName?: string; outcome: 'bound' | 'created' },
): Promise<Tool> {
  return transact(deps, async () => {
    const tool = await getTool(deps, toolId);
    if (tool.fulfillment.bound?.groupId === binding.groupId) return { writes: [], audit: [], result: tool };
    if (tool.fulfillment.bound) {
      throw new ConflictError('conflict', `Tool ${toolId} is already bound to group ${tool.fulfillment.bound.groupId}.`);
    }
    const updated: Tool = {
      ...tool,
      fulfillment: {
        ...tool.fulfillment,
        bound: { groupId: binding.groupId, ...(binding.groupName !== undefined && { groupName: binding.groupName }), boundAt: deps.clock.now() },
      },
      updatedAt: deps.clock.now(),
    };
    return {
      writes: [put('tool', updated)],
      audit: [
        {
          actor: 'clearway:system',
          type: binding.outcome === 'created' ? 'catalog.group_created' : 'catalog.group_bound',
          refs: { toolId, connectorId: tool.fulfillment.connectorId },
          data: { groupId: binding.groupId, ...(binding.groupName !== undefined && { groupName: binding.groupName }) },
        },
      ],
      result: { ...updated, version: updated.version + 1 },
    };
  });
}
