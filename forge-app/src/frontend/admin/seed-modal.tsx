import { DynamicTable, Text } from '@forge/react';
import React, { useState } from 'react';
import { callClearway, type ClearwayError } from '../clearway-client';
import { CheckboxField } from '../components/fields';
import { FormModal } from '../components/form-modal';
import { plural } from '../components/format';
import { Loaded, type Notice } from '../components/states';
import { RiskLozenge } from '../components/status';
import { useBusy, useClearway } from '../components/use-clearway';

/**
 * Seeds the catalog from the common AI tools list: tools already in the catalog are shown but not
 * offered; added tools get durations from the risk rules and manual fulfillment, to adjust after.
 */
export function SeedModal({ onClose, onSeeded }: { readonly onClose: () => void; readonly onSeeded: (notice: Notice) => void }) {
  const { state, reload } = useClearway('catalog.seedTools', {});
  const [chosen, setChosen] = useState<ReadonlySet<string>>();
  const [error, setError] = useState<ClearwayError>();
  const { busy, run } = useBusy();
  const offered = state.status === 'ready' ? state.data.filter((seed) => !seed.inCatalog) : [];
  // Until the admin changes it, every tool not yet in the catalog is chosen.
  const selected = chosen ?? new Set(offered.map((seed) => seed.id));

  const toggle = (id: string, on: boolean) => {
    const next = new Set(selected);
    if (on) next.add(id);
    else next.delete(id);
    setChosen(next);
  };

  const submit = () =>
    run(async () => {
      if (selected.size === 0) return;
      const answer = await callClearway('catalog.seed', { toolIds: [...selected] });
      if (!answer.ok) return setError(answer.error);
      const { added, skipped } = answer.data;
      onSeeded({
        kind: 'success',
        title: `${plural(added.length, 'tool')} added to the catalog`,
        text: `${skipped.length > 0 ? `${plural(skipped.length, 'tool was', 'tools were')} already in the catalog. ` : ''}Each added tool is fulfilled by hand with durations from the governance risk rules: edit them to bind a connector or change the guidance.`,
      });
    });

  return (
    <FormModal
      title="Seed the catalog from common AI tools"
      submitLabel={`Add ${plural(selected.size, 'tool')}`}
      busy={busy}
      error={error}
      errorTitle="The catalog was not seeded"
      isSubmitDisabled={selected.size === 0}
      onSubmit={submit}
      onClose={onClose}
      width="x-large"
      testId="seed-modal"
    >
      <Loaded state={state} loading="Loading the common AI tools" errorTitle="The common AI tools list could not be loaded" onRetry={reload}>
        {(seeds) => (
          <>
            <Text>{offered.length === 0 ? 'Every common AI tool is already in your catalog.' : `${plural(offered.length, 'tool')} not in your catalog yet. Risk levels are suggestions: adjust them to your policy after adding.`}</Text>
            <DynamicTable
              testId="seed-tools"
              head={{
                cells: [
                  { key: 'add', content: 'Add' },
                  { key: 'tool', content: 'Tool' },
                  { key: 'risk', content: 'Suggested risk' },
                  { key: 'guidance', content: 'Guidance' },
                ],
              }}
              rows={seeds.map((seed) => ({
                key: seed.id,
                cells: [
                  {
                    key: 'add',
                    content: seed.inCatalog ? 'In catalog' : <CheckboxField name={`seed-${seed.id}`} label={`Add ${seed.name}`} checked={selected.has(seed.id)} onChange={(on) => toggle(seed.id, on)} />,
                  },
                  { key: 'tool', content: `${seed.name} (${seed.vendor})` },
                  { key: 'risk', content: <RiskLozenge risk={seed.riskLevel} /> },
                  { key: 'guidance', content: seed.guidance },
                ],
              }))}
              rowsPerPage={50}
            />
          </>
        )}
      </Loaded>
    </FormModal>
  );
}
