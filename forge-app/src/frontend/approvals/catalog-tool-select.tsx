import React from 'react';
import { SelectField } from '../components/fields';
import { useSurface } from '../components/surface';
import { useGrowingList } from '../components/use-clearway';

interface ToolSelectProps {
  readonly value: string | undefined;
  readonly onChange: (toolId: string | undefined) => void;
  readonly error?: string;
}

const FRAME = {
  name: 'catalogToolId',
  label: 'Catalog tool',
  helper: 'A request for a tool outside the catalog is approved as a catalog tool: add the tool to the catalog first if it is missing.',
  isRequired: true,
} as const;

function RequestableTools({ value, onChange, error }: ToolSelectProps) {
  const list = useGrowingList('tools.requestable', {}, 100);
  const options = list.state.status === 'ready' ? list.state.data.map((tool) => ({ label: `${tool.name} (${tool.vendor})`, value: tool.id })) : [];
  return <SelectField {...FRAME} options={options} value={value} onChange={onChange} isLoading={list.state.status === 'loading'} error={error} />;
}

function CatalogTools({ value, onChange, error }: ToolSelectProps) {
  const list = useGrowingList('catalog.list', {}, 100);
  const options = list.state.status === 'ready' ? list.state.data.filter((tool) => tool.status === 'approved').map((tool) => ({ label: `${tool.name} (${tool.vendor})`, value: tool.id })) : [];
  return <SelectField {...FRAME} options={options} value={value} onChange={onChange} isLoading={list.state.status === 'loading'} error={error} />;
}

/** The approved catalog tools, read through the page's own resolver. */
export function CatalogToolSelect(props: ToolSelectProps) {
  return useSurface() === 'adminPage' ? <CatalogTools {...props} /> : <RequestableTools {...props} />;
}
