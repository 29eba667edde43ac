import { z } from 'zod';
import type { ConnectorLimits } from './contract.js';
import type { ProviderDefinition, SecretCondition, SetupGuide } from './define-provider.js';

export interface SecretFieldDescription {
  readonly name: string;
  readonly label: string;
  readonly description?: string;
  /** True for a conditional secret too: it is required only when `requiredWhen` holds. */
  readonly optional: boolean;
  /** Show and require this secret only when the named setting has (one of) the given value(s). */
  readonly requiredWhen?: SecretCondition;
}

/** Everything an admin UI needs to render a connector form for any provider, as plain JSON. */
export interface ConnectorFormDescription {
  readonly type: string;
  readonly displayName: string;
  readonly description: string;
  /** JSON Schema (draft 2020-12) of the non-secret settings, from the provider's zod schema. */
  readonly settings: Record<string, unknown>;
  /** Write-only fields: the UI shows whether each is set, never its value. */
  readonly secrets: readonly SecretFieldDescription[];
  readonly setup: SetupGuide;
  /** The provider's suggested throughput, shown as the default of the connector's limits. */
  readonly defaultLimits?: ConnectorLimits;
}

export function describeConnectorForm(definition: ProviderDefinition): ConnectorFormDescription {
  const { defaultLimits } = definition.capabilities;
  return {
    type: definition.type,
    displayName: definition.displayName,
    description: definition.description,
    settings: z.toJSONSchema(definition.configSchema, { io: 'input', unrepresentable: 'any' }),
    secrets: Object.entries(definition.secrets).map(([name, field]) => ({
      name,
      label: field.label,
      ...(field.description !== undefined && { description: field.description }),
      optional: field.requiredWhen !== undefined || (field.optional ?? false),
      ...(field.requiredWhen !== undefined && { requiredWhen: field.requiredWhen }),
    })),
    setup: definition.setup,
    ...(defaultLimits !== undefined && { defaultLimits }),
  };
}
