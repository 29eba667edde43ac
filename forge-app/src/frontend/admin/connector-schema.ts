import type { SecretFieldDescription } from '@clearway/connector-sdk';

/**
 * Turns a provider's config schema (JSON Schema, as `connectors.providers` describes it) into
 * form fields, and what the admin typed back into settings. Any provider a developer adds gets
 * a form without UI changes: strings, numbers, enums and booleans get their own inputs; anything
 * else is edited as JSON.
 */
export type SettingKind = 'text' | 'integer' | 'number' | 'choice' | 'boolean' | 'json';

export interface SettingField {
  readonly name: string;
  readonly label: string;
  readonly description?: string;
  readonly kind: SettingKind;
  readonly required: boolean;
  readonly choices?: readonly string[];
  /** How each choice reads in the form (`choiceLabels` in the setting's schema meta); a choice without one shows its value. */
  readonly choiceLabels?: Readonly<Record<string, string>>;
  readonly defaultValue?: unknown;
  readonly minimum?: number;
  readonly maximum?: number;
  readonly minLength?: number;
  readonly maxLength?: number;
  readonly pattern?: string;
}

/** What the form holds per setting: text as typed, or a checkbox's state. */
export type SettingDraft = Readonly<Record<string, string | boolean>>;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const num = (value: unknown): number | undefined => (typeof value === 'number' && Number.isFinite(value) ? value : undefined);
const str = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);

function kindOf(property: Record<string, unknown>): SettingKind {
  if (Array.isArray(property.enum) && property.enum.every((choice) => typeof choice === 'string')) return 'choice';
  switch (property.type) {
    case 'string':
      return 'text';
    case 'integer':
      return 'integer';
    case 'number':
      return 'number';
    case 'boolean':
      return 'boolean';
    default:
      return 'json';
  }
}

export function settingFields(schema: Readonly<Record<string, unknown>>): SettingField[] {
  const properties = isRecord(schema.properties) ? schema.properties : {};
  const required = new Set(Array.isArray(schema.required) ? schema.required.filter((name): name is string => typeof name === 'string') : []);
  return Object.entries(properties).flatMap(([name, raw]) => {
    // Development settings (`testOnly` in the schema meta: plain http to a local simulator) never reach the app's form.
    if (!isRecord(raw) || raw.testOnly === true) return [];
    const kind = kindOf(raw);
    const description = str(raw.description);
    const minimum = num(raw.minimum);
    const maximum = num(raw.maximum);
    const minLength = num(raw.minLength);
    const maxLength = num(raw.maxLength);
    const pattern = str(raw.pattern);
    return [
      {
        name,
        label: str(raw.title) ?? name,
        kind,
        required: required.has(name),
        ...(description !== undefined && { description }),
        ...(kind === 'choice' && { choices: (raw.enum as string[]).slice() }),
        ...(kind === 'choice' && isRecord(raw.choiceLabels) && { choiceLabels: Object.fromEntries(Object.entries(raw.choiceLabels).filter((entry): entry is [string, string] => typeof entry[1] === 'string')) }),
        ...('default' in raw && { defaultValue: raw.default }),
        ...(minimum !== undefined && { minimum }),
        ...(maximum !== undefined && { maximum }),
        ...(minLength !== undefined && { minLength }),
        ...(maxLength !== undefined && { maxLength }),
        ...(pattern !== undefined && { pattern }),
      },
    ];
  });
}

/** The form's starting values: the connector's current settings, else each field's default. */
export function initialSettings(fields: readonly SettingField[], current: Readonly<Record<string, unknown>> = {}): SettingDraft {
  return Object.fromEntries(
    fields.map((field): [string, string | boolean] => {
      const value = field.name in current ? current[field.name] : field.defaultValue;
      if (field.kind === 'boolean') return [field.name, value === true];
      if (value === undefined || value === null) return [field.name, ''];
      if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return [field.name, field.kind === 'json' ? JSON.stringify(value) : String(value)];
      return [field.name, JSON.stringify(value)];
    }),
  );
}

/** Settings to send, and what is wrong with each field the admin must fix first. */
export function readSettings(fields: readonly SettingField[], draft: SettingDraft): { readonly settings: Record<string, unknown>; readonly problems: Readonly<Record<string, string>> } {
  const settings: Record<string, unknown> = {};
  const problems: Record<string, string> = {};
  for (const field of fields) {
    const raw = draft[field.name];
    if (field.kind === 'boolean') {
      settings[field.name] = raw === true;
      continue;
    }
    const text = typeof raw === 'string' ? raw.trim() : '';
    if (text === '') {
      if (field.required) problems[field.name] = `${field.label} is required.`;
      continue;
    }
    if (field.kind === 'integer' || field.kind === 'number') {
      const value = Number(text);
      const whole = field.kind === 'integer';
      if (!Number.isFinite(value) || (whole && !Number.isInteger(value))) problems[field.name] = `Enter ${whole ? 'a whole number' : 'a number'}.`;
      else if ((field.minimum !== undefined && value < field.minimum) || (field.maximum !== undefined && value > field.maximum)) {
        problems[field.name] = `Enter a number from ${field.minimum ?? '…'} to ${field.maximum ?? '…'}.`;
      } else settings[field.name] = value;
      continue;
    }
    if (field.kind === 'json') {
      try {
        settings[field.name] = JSON.parse(text) as unknown;
      } catch {
        problems[field.name] = 'Enter valid JSON.';
      }
      continue;
    }
    if (field.kind === 'choice' && !(field.choices ?? []).includes(text)) problems[field.name] = `Choose one of: ${(field.choices ?? []).join(', ')}.`;
    else if (field.minLength !== undefined && text.length < field.minLength) problems[field.name] = `Enter at least ${field.minLength} characters.`;
    else if (field.maxLength !== undefined && text.length > field.maxLength) problems[field.name] = `Keep it under ${field.maxLength} characters.`;
    else if (field.pattern !== undefined && !new RegExp(field.pattern).test(text)) problems[field.name] = `${field.label} does not have the expected format.`;
    else settings[field.name] = text;
  }
  return { settings, problems };
}

/** Whether a secret applies with these settings (`requiredWhen` names the setting that decides). */
export function secretApplies(secret: SecretFieldDescription, settings: Readonly<Record<string, unknown>>): boolean {
  if (!secret.requiredWhen) return true;
  const { setting, equals } = secret.requiredWhen;
  const value = settings[setting];
  const accepted: readonly unknown[] = Array.isArray(equals) ? equals : [equals];
  return accepted.includes(value);
}

/** Required now: never optional, or its condition holds. */
export function secretRequired(secret: SecretFieldDescription, settings: Readonly<Record<string, unknown>>): boolean {
  return secret.requiredWhen ? secretApplies(secret, settings) : !secret.optional;
}

