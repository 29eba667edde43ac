import type { AgentPolicyRules } from '@clearway/core';
import { Button, DynamicTable, Inline, Stack, Text } from '@forge/react';
import React, { useState } from 'react';
import { SelectField, TextField } from '../components/fields';
import { useGrowingList } from '../components/use-clearway';

type ClientLinks = AgentPolicyRules['clients'];

/**
 * Which catalog tool's grant each AI client asks for, when a rule (or the default) needs "the
 * client's Clearway grant". Saved with the rules; a link to a tool the catalog lacks is refused
 * on save and its problem shown on the row.
 */
export function ClientLinksEditor({ clients, problems, onChange }: { readonly clients: ClientLinks; readonly problems: ReadonlyMap<number, readonly string[]>; readonly onChange: (clients: ClientLinks) => void }) {
  const tools = useGrowingList('catalog.list', {}, 100);
  const [name, setName] = useState('');
  const [toolId, setToolId] = useState<string>();
  const [problem, setProblem] = useState<string>();
  const catalog = tools.state.status === 'ready' ? tools.state.data : [];
  const toolName = (id: string) => catalog.find((tool) => tool.id === id)?.name ?? id;

  const add = () => {
    const client = name.trim();
    if (client === '' || toolId === undefined) {
      setProblem('Name the AI client and choose its catalog tool.');
      return;
    }
    if (clients.some((link) => link.name.toLowerCase() === client.toLowerCase())) {
      setProblem(`${client} is linked already: remove its link first.`);
      return;
    }
    setProblem(undefined);
    onChange([...clients, { name: client, toolId }]);
    setName('');
    setToolId(undefined);
  };

  return (
    <Stack space="space.100">
      <Text>A rule that needs the client's Clearway grant allows only people with active access to the catalog tool linked to their AI client.</Text>
      {clients.length === 0 ? (
        <Text>No AI client is linked to a catalog tool, so rules that need a grant allow no one.</Text>
      ) : (
        <DynamicTable
          testId="client-links"
          head={{
            cells: [
              { key: 'client', content: 'AI client' },
              { key: 'tool', content: 'Catalog tool' },
              { key: 'action', content: '' },
            ],
          }}
          rows={clients.map((link, index) => {
            const found = problems.get(index);
            return {
              key: link.name,
              isHighlighted: found !== undefined,
              cells: [
                { key: 'client', content: link.name },
                {
                  key: 'tool',
                  content: (
                    <Stack space="space.050">
                      <Text>{`${toolName(link.toolId)} (${link.toolId})`}</Text>
                      {found ? <Text color="color.text.danger">{found.join(' ')}</Text> : null}
                    </Stack>
                  ),
                },
                {
                  key: 'action',
                  content: (
                    <Button appearance="subtle" spacing="compact" testId={`client-link-remove-${link.name}`} onClick={() => onChange(clients.filter((_, at) => at !== index))}>
                      Remove
                    </Button>
                  ),
                },
              ],
            };
          })}
        />
      )}
      <Inline space="space.200" alignBlock="end" shouldWrap>
        <TextField name="linkClient" label="AI client" placeholder="claude" value={name} onChange={setName} error={problem} />
        <SelectField
          name="linkTool"
          label="Catalog tool"
          isLoading={tools.state.status === 'loading'}
          options={catalog.map((tool) => ({ label: tool.name, value: tool.id }))}
          value={toolId}
          onChange={setToolId}
        />
        <Button onClick={add}>Link client</Button>
      </Inline>
    </Stack>
  );
}
