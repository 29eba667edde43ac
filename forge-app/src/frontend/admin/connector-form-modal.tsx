import type { ConnectorFormDescription, SecretFieldDescription } from '@clearway/connector-sdk';
import { Heading, Inline, Label, List, ListItem, Lozenge, Stack, Text } from '@forge/react';
import React, { useState } from 'react';
import type { ConnectorView } from '../../resolvers/contract';
import { callClearway, type ClearwayError } from '../clearway-client';
import { CheckboxField, SelectField, TextAreaField, TextField } from '../components/fields';
import { FormModal } from '../components/form-modal';
import { Markdown } from '../components/markdown';
import { useBusy } from '../components/use-clearway';
import { initialSettings, readSettings, secretApplies, secretRequired, settingFields, type SettingDraft, type SettingField } from './connector-schema';

interface SecretDraft {
  readonly value: string;
  readonly clear: boolean;
}

function SettingInput({ field, value, problem, onChange }: { readonly field: SettingField; readonly value: string | boolean; readonly problem?: string; readonly onChange: (value: string | boolean) => void }) {
  const frame = { name: `setting-${field.name}`, label: field.label, isRequired: field.required, helper: field.description, error: problem };
  const text = typeof value === 'string' ? value : '';
  switch (field.kind) {
    case 'boolean':
      return (
        <Stack space="space.050">
          <CheckboxField name={frame.name} label={field.label} checked={value === true} onChange={onChange} />
          {field.description ? <Text size="small">{field.description}</Text> : null}
        </Stack>
      );
    case 'choice':
      return <SelectField {...frame} options={(field.choices ?? []).map((choice) => ({ label: field.choiceLabels?.[choice] ?? choice, value: choice }))} value={text || undefined} isClearable={!field.required} onChange={(choice) => onChange(choice ?? '')} />;
    case 'json':
      return <TextAreaField {...frame} helper={`${field.description ?? ''} (JSON)`.trim()} value={text} onChange={onChange} />;
    case 'integer':
    case 'number':
      return <TextField {...frame} type="number" value={text} onChange={onChange} />;
    case 'text':
      return <TextField {...frame} value={text} onChange={onChange} />;
  }
}

/** A write-only secret: whether one is stored, a field to set or replace it, and (when stored) a way to clear it. */
function SecretInput({
  secret,
  isSet,
  required,
  draft,
  problem,
  onChange,
}: {
  readonly secret: SecretFieldDescription;
  readonly isSet: boolean | undefined;
  readonly required: boolean;
  readonly draft: SecretDraft;
  readonly problem?: string;
  readonly onChange: (draft: SecretDraft) => void;
}) {
  return (
    <Stack space="space.050">
      <Inline space="space.100" alignBlock="center">
        <Label labelFor={`secret-${secret.name}`}>{`${secret.label}${required ? ' (required)' : ''}`}</Label>
        {isSet === undefined ? null : <Lozenge appearance={isSet ? 'success' : 'default'}>{isSet ? 'set' : 'not set'}</Lozenge>}
      </Inline>
      <TextField
        name={`secret-${secret.name}`}
        label={isSet ? 'Replace with' : 'Value'}
        type="password"
        placeholder={isSet ? 'Leave empty to keep the stored value' : ''}
        isDisabled={draft.clear}
        helper={`${secret.description ?? ''} Stored in Forge secret storage; never shown again.`.trim()}
        value={draft.value}
        onChange={(value) => onChange({ ...draft, value })}
        error={problem}
      />
      {isSet ? <CheckboxField name={`clear-${secret.name}`} label={`Clear the stored ${secret.label.toLowerCase()}`} checked={draft.clear} onChange={(clear) => onChange({ value: '', clear })} /> : null}
    </Stack>
  );
}

function SetupGuide({ provider }: { readonly provider: ConnectorFormDescription }) {
  return (
    <Stack space="space.100">
      <Heading size="small">{`Setting up ${provider.displayName}`}</Heading>
      <Markdown markdown={provider.setup.steps} />
      {provider.setup.permissions.length > 0 ? (
        <Stack space="space.050">
          <Text weight="bold">Permissions the credential needs</Text>
          <List type="unordered">
            {provider.setup.permissions.map((permission) => (
              <ListItem key={permission}>{permission}</ListItem>
            ))}
          </List>
        </Stack>
      ) : null}
    </Stack>
  );
}

function positive(raw: string, whole: boolean): number | undefined | 'bad' {
  if (raw.trim() === '') return undefined;
  const value = Number(raw);
  return Number.isFinite(value) && value > 0 && value <= 10_000 && (!whole || Number.isInteger(value)) ? value : 'bad';
}

function ConnectorFields({ provider, connector, onClose, onSaved }: { readonly provider: ConnectorFormDescription; readonly connector?: ConnectorView; readonly onClose: () => void; readonly onSaved: (connector: ConnectorView, created: boolean) => void }) {
  const fields = settingFields(provider.settings);
  const [name, setName] = useState(connector?.name ?? provider.displayName);
  const [settings, setSettings] = useState<SettingDraft>(initialSettings(fields, connector?.settings));
  const [secrets, setSecrets] = useState<Readonly<Record<string, SecretDraft>>>({});
  const [limits, setLimits] = useState({ requestsPerSecond: connector?.limits?.requestsPerSecond?.toString() ?? '', concurrency: connector?.limits?.concurrency?.toString() ?? '' });
  const [problems, setProblems] = useState<Readonly<Record<string, string>>>({});
  const [error, setError] = useState<ClearwayError>();
  const { busy, run } = useBusy();
  const parsed = readSettings(fields, settings);
  const secretDraft = (secretName: string): SecretDraft => secrets[secretName] ?? { value: '', clear: false };
  const isStored = (secretName: string) => connector?.secretsSet.includes(secretName) ?? false;

  const submit = () =>
    run(async () => {
      const found: Record<string, string> = {};
      if (name.trim() === '') found.name = 'Give the connector a name admins will recognise.';
      for (const [field, problem] of Object.entries(parsed.problems)) found[`setting-${field}`] = problem;
      for (const secret of provider.secrets) {
        if (!secretApplies(secret, parsed.settings) || !secretRequired(secret, parsed.settings)) continue;
        const draft = secretDraft(secret.name);
        const willHave = draft.value !== '' || (isStored(secret.name) && !draft.clear);
        if (!willHave) found[`secret-${secret.name}`] = `${secret.label} is required with these settings.`;
      }
      const rate = positive(limits.requestsPerSecond, false);
      const concurrency = positive(limits.concurrency, true);
      if (rate === 'bad') found.requestsPerSecond = 'Enter a number above 0, up to 10,000.';
      if (concurrency === 'bad') found.concurrency = 'Enter a whole number from 1 to 10,000.';
      setProblems(found);
      if (Object.keys(found).length > 0 || rate === 'bad' || concurrency === 'bad') return;
      const limitsPayload = rate !== undefined || concurrency !== undefined ? { limits: { ...(rate !== undefined && { requestsPerSecond: rate }), ...(concurrency !== undefined && { concurrency }) } } : {};
      const applicable = provider.secrets.filter((secret) => secretApplies(secret, parsed.settings));
      if (connector) {
        // A value sets the secret, null clears it, a missing field keeps it.
        const changes = Object.fromEntries(
          applicable.flatMap((secret): Array<[string, string | null]> => {
            const draft = secretDraft(secret.name);
            if (draft.clear) return [[secret.name, null]];
            return draft.value !== '' ? [[secret.name, draft.value]] : [];
          }),
        );
        const answer = await callClearway('connectors.update', {
          connectorId: connector.id,
          name: name.trim(),
          settings: parsed.settings,
          ...(Object.keys(changes).length > 0 && { secrets: changes }),
          ...limitsPayload,
        });
        if (!answer.ok) return setError(answer.error);
        onSaved(answer.data, false);
        return;
      }
      const values = Object.fromEntries(applicable.flatMap((secret) => (secretDraft(secret.name).value !== '' ? [[secret.name, secretDraft(secret.name).value]] : [])));
      const answer = await callClearway('connectors.create', {
        providerType: provider.type,
        name: name.trim(),
        settings: parsed.settings,
        ...(Object.keys(values).length > 0 && { secrets: values }),
        ...limitsPayload,
      });
      if (!answer.ok) return setError(answer.error);
      onSaved(answer.data, true);
    });

  return (
    <FormModal
      title={connector ? `Edit ${connector.name}` : `Add ${/^[AEIOU]/i.test(provider.displayName) ? 'an' : 'a'} ${provider.displayName} connector`}
      submitLabel={connector ? 'Save connector' : 'Add connector'}
      busy={busy}
      error={error}
      errorTitle="The connector was not saved"
      onSubmit={submit}
      onClose={onClose}
      width="x-large"
      testId="connector-form"
    >
      <Text>{provider.description}</Text>
      <TextField name="connectorName" label="Name" isRequired value={name} onChange={setName} error={problems.name} />
      <Heading size="small">Settings</Heading>
      {fields.length === 0 ? <Text>This provider has no settings.</Text> : null}
      {fields.map((field) => (
        <SettingInput
          key={field.name}
          field={field}
          value={settings[field.name] ?? ''}
          onChange={(value) => setSettings({ ...settings, [field.name]: value })}
          problem={problems[`setting-${field.name}`]}
        />
      ))}
      {provider.secrets.length > 0 ? <Heading size="small">Credentials</Heading> : null}
      {provider.secrets
        .filter((secret) => secretApplies(secret, parsed.settings))
        .map((secret) => (
          <SecretInput
            key={secret.name}
            secret={secret}
            isSet={connector ? isStored(secret.name) : undefined}
            required={secretRequired(secret, parsed.settings)}
            draft={secretDraft(secret.name)}
            onChange={(draft) => setSecrets({ ...secrets, [secret.name]: draft })}
            problem={problems[`secret-${secret.name}`]}
          />
        ))}
      <Heading size="small">Throughput (optional)</Heading>
      <TextField
        name="requestsPerSecond"
        label="Membership changes per second"
        type="number"
        placeholder={provider.defaultLimits ? String(provider.defaultLimits.requestsPerSecond) : 'provider default'}
        value={limits.requestsPerSecond}
        onChange={(requestsPerSecond) => setLimits({ ...limits, requestsPerSecond })}
        error={problems.requestsPerSecond}
      />
      <TextField
        name="concurrency"
        label="Calls at once"
        type="number"
        placeholder={provider.defaultLimits ? String(provider.defaultLimits.concurrency) : 'provider default'}
        value={limits.concurrency}
        onChange={(concurrency) => setLimits({ ...limits, concurrency })}
        error={problems.concurrency}
      />
      <SetupGuide provider={provider} />
    </FormModal>
  );
}

/** Add a connector (choose the provider, then fill in its generated form) or edit one. */
export function ConnectorFormModal({ providers, connector, onClose, onSaved }: { readonly providers: readonly ConnectorFormDescription[]; readonly connector?: ConnectorView; readonly onClose: () => void; readonly onSaved: (connector: ConnectorView, created: boolean) => void }) {
  const [choice, setChoice] = useState<string | undefined>(connector?.providerType);
  const [confirmed, setConfirmed] = useState<string | undefined>(connector?.providerType);
  const provider = providers.find((candidate) => candidate.type === confirmed);
  if (provider) return <ConnectorFields key={provider.type} provider={provider} {...(connector && { connector })} onClose={onClose} onSaved={onSaved} />;
  const chosen = providers.find((candidate) => candidate.type === choice);
  return (
    <FormModal title="Add a connector" submitLabel="Continue" busy={false} isSubmitDisabled={!chosen} onSubmit={() => setConfirmed(chosen?.type)} onClose={onClose} testId="connector-provider">
      <SelectField
        name="providerType"
        label="Provider"
        isRequired
        placeholder="Choose a provider"
        options={providers.map((candidate) => ({ label: candidate.displayName, value: candidate.type }))}
        value={choice}
        helper="The identity provider whose groups grant the tools, or manual fulfillment with its own instructions."
        onChange={setChoice}
      />
      {chosen ? <Text>{chosen.description}</Text> : null}
      {connector ? <Text>{`This connector's provider (${connector.providerType}) is not installed in this version of Clearway.`}</Text> : null}
    </FormModal>
  );
}
