import type { Tool } from '@clearway/core';
import { Button, DynamicTable, Inline, Stack } from '@forge/react';
import React, { useState } from 'react';
import type { CatalogToolView, ConnectorView } from '../../resolvers/contract';
import { days } from '../components/format';
import { ShowMore } from '../components/paging';
import { Empty, Loaded, NoticeMessage, type Notice } from '../components/states';
import { RiskLozenge, ToolStatusLozenge } from '../components/status';
import { useGrowingList } from '../components/use-clearway';
import { SeedModal } from './seed-modal';
import { ToolFormModal } from './tool-form-modal';

type Editing = { readonly kind: 'add' } | { readonly kind: 'edit'; readonly tool: Tool } | { readonly kind: 'seed' };

/** Default and the maximum requesters see; when governance caps the tool lower than its own maximum, say so and why. */
function durationsText(tool: CatalogToolView): string {
  const shown = `${days(tool.defaultDurationDays)} / ${days(tool.requestableMaxDays)}`;
  return tool.maxCappedBy === 'risk' ? `${shown} (${tool.riskLevel} risk is capped at ${days(tool.requestableMaxDays)} by governance; the tool allows ${days(tool.maxDurationDays)})` : shown;
}

function fulfillmentText(tool: Tool, connectors: readonly ConnectorView[]): string {
  const connector = connectors.find((candidate) => candidate.id === tool.fulfillment.connectorId);
  const name = connector ? connector.name : tool.fulfillment.connectorId;
  const group = tool.fulfillment.bound?.groupName ?? tool.fulfillment.bound?.groupId ?? tool.fulfillment.group.name ?? tool.fulfillment.group.groupId;
  const bound = tool.fulfillment.bound ? ' (bound)' : '';
  return group ? `${name}: ${group}${bound}` : name;
}

const HEAD = {
  cells: [
    { key: 'tool', content: 'Tool' },
    { key: 'status', content: 'Status' },
    { key: 'risk', content: 'Risk' },
    { key: 'durations', content: 'Default / maximum' },
    { key: 'fulfillment', content: 'Fulfillment mode' },
    { key: 'edit', content: '' },
  ],
};

/** The catalog: every governed tool, added by hand or seeded from the common AI tools, and its fulfillment mode. */
export function CatalogTab() {
  const tools = useGrowingList('catalog.list', {}, 100);
  const connectors = useGrowingList('connectors.list', {}, 100);
  const [editing, setEditing] = useState<Editing>();
  const [notice, setNotice] = useState<Notice>();
  const connectorList = connectors.state.status === 'ready' ? connectors.state.data : [];
  const done = (next: Notice) => {
    setEditing(undefined);
    setNotice(next);
    tools.reload();
  };

  return (
    <Stack space="space.200">
      <Inline space="space.100">
        <Button appearance="primary" onClick={() => setEditing({ kind: 'add' })}>
          Add tool
        </Button>
        <Button onClick={() => setEditing({ kind: 'seed' })}>Seed from common tools</Button>
      </Inline>
      <NoticeMessage notice={notice} />
      <Loaded state={tools.state} loading="Loading the catalog" errorTitle="Clearway could not load the catalog" onRetry={tools.reload}>
        {(list) =>
          list.length === 0 ? (
            <Empty header="The catalog is empty" description="Add the AI tools your organization governs, or seed the catalog from the common AI tools and adjust them." />
          ) : (
            <Stack space="space.100">
              <DynamicTable
                testId="catalog"
                caption="Catalog"
                head={HEAD}
                rows={list.map((tool) => ({
                  key: tool.id,
                  cells: [
                    { key: 'tool', content: `${tool.name} (${tool.vendor})` },
                    { key: 'status', content: <ToolStatusLozenge status={tool.status} /> },
                    { key: 'risk', content: <RiskLozenge risk={tool.riskLevel} /> },
                    { key: 'durations', content: durationsText(tool) },
                    { key: 'fulfillment', content: fulfillmentText(tool, connectorList) },
                    {
                      key: 'edit',
                      content: (
                        <Button testId={`edit-${tool.id}`} onClick={() => setEditing({ kind: 'edit', tool })}>
                          Edit
                        </Button>
                      ),
                    },
                  ],
                }))}
                rowsPerPage={25}
              />
              <ShowMore list={tools} />
            </Stack>
          )
        }
      </Loaded>
      {editing?.kind === 'seed' ? <SeedModal onClose={() => setEditing(undefined)} onSeeded={done} /> : null}
      {editing?.kind === 'add' || editing?.kind === 'edit' ? (
        <ToolFormModal
          {...(editing.kind === 'edit' && { tool: editing.tool })}
          connectors={connectorList}
          onClose={() => setEditing(undefined)}
          onSaved={(saved) => done({ kind: 'success', title: `${saved.name} saved`, text: saved.status === 'approved' ? `${saved.name} can be requested now.` : `${saved.name} is ${saved.status}: it is governed but cannot be requested.` })}
        />
      ) : null}
    </Stack>
  );
}
