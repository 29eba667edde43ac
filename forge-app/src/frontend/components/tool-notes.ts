import type { ToolSummary } from '../../resolvers/contract';

/** What happens after approval, in the words a requester needs (Approved Tools and the portal panel). */
export function fulfillmentNote(tool: ToolSummary): string {
  if (tool.fulfillment.manual) return 'After approval, the service desk sets up your access by hand.';
  const via = tool.fulfillment.providerName ?? 'the identity provider';
  return `After approval, Clearway adds you to the tool's group in ${via}; access starts once that is done.`;
}
