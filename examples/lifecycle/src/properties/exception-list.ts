import type { AccessException } from '@clearway/core';
import { z } from 'zod';
import { reportGrantId, reportSubject, type RunContext } from '../context.js';
import { TOOLS } from '../world.js';

/** The meta record that lists a tool's open exceptions, as core names it (`openExceptionsId`), spelled here: the harness reads Clearway's records by its own names. */
export function openListId(toolId: string): string {
  return `exceptions-open:${toolId}`;
}

const openListSchema = z.object({ grantIds: z.array(z.string()) });

/**
 * Exception property 5 (`exception-list`), after a sweep: each tool's open list (the meta record
 * every open and close rewrites, which the limit is counted from) names exactly the tool's open
 * exception records, each once.
 */
export async function checkOpenLists(ctx: RunContext, stored: ReadonlyMap<string, AccessException>): Promise<void> {
  for (const tool of TOOLS) {
    const meta = await ctx.world.deps.store.get('meta', openListId(tool.id));
    const parsed = meta === undefined ? { success: true as const, data: { grantIds: [] } } : openListSchema.safeParse(meta.value);
    if (!parsed.success) {
      reportSubject(ctx, 'exception-list', 'open list is not a list of grant ids', tool.id, JSON.stringify(meta?.value).slice(0, 200));
      continue;
    }
    const listed = parsed.data.grantIds;
    const open = new Set([...stored.values()].filter((exception) => exception.toolId === tool.id && exception.state === 'open').map((exception) => exception.id));
    const seen = new Set<string>();
    for (const id of listed) {
      if (seen.has(id)) reportGrantId(ctx, 'exception-list', 'listed more than once in its tool’s open list', id, `${tool.id}: ${listed.join(', ')}`);
      seen.add(id);
      if (!open.has(id)) {
        const exception = stored.get(id);
        reportGrantId(ctx, 'exception-list', 'in its tool’s open list, but its exception is not open', id, `${tool.id}; the exception is ${exception ? `${exception.state} (${exception.closedHow ?? '?'})` : 'missing'}`);
      }
    }
    for (const id of open) {
      if (!seen.has(id)) reportGrantId(ctx, 'exception-list', 'open exception missing from its tool’s open list', id, `${tool.id} lists ${listed.join(', ') || 'nothing'}`);
    }
  }
}
