import { z } from 'zod';
import type { ProviderDefinition, SetupGuide } from './define-provider.js';

export interface SecretFieldDescription {
  readonly name: string;
  readonly label: string;
  readonly description?: string;
  readonly optional: boolean;
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
}

export function describeConnectorForm(definition: ProviderDefinition): ConnectorFormDescription {
  return {
    type: definition.type,
    displayName: definition.displayName,
    description: definition.description,
    settings: z.toJSONSchema(definition.configSchema, { io: 'input', unrepresentable: 'any' }),
    secrets: Object.entries(definition.secrets).map(([name, field]) => ({
      name,
      label: field.label,
      ...(field.description !== undefined && { description: field.description }),
      optional: field.optional ?? false,
    })),
    setup: definition.setup,
  };
}
