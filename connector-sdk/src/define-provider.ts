import { z } from 'zod';
import { assertCanProceed } from './context.js';
import type {
  BatchItemResult,
  Connector,
  ExternalIdentity,
  GroupRef,
  OperationContext,
  ProviderCapabilities,
  ProviderHost,
  ProviderOperations,
} from './contract.js';
import { InvalidConfigError, InvalidRequestError, TransientError, UnsupportedError, type ConnectorError } from './errors.js';
import { describeConfigProblems } from './config-problems.js';
import { redactingLogger } from './logger.js';
import { toConnectorError } from './network.js';
import { createRedactor, type Redactor } from './redact.js';
import {
  connectionTestSchema,
  groupBindingSchema,
  identityResolutionSchema,
  memberPageSchemaFor,
  membershipCheckSchema,
  membershipOutcomeSchema,
  validResult,
} from './results.js';

/** A value a non-secret setting can hold that a `requiredWhen` condition compares against. */
export type SettingValue = string | number | boolean;

/**
 * When a secret is needed: the named (top-level) setting, after defaults are applied, equals the
 * value or one of the values. `{ setting: 'authMode', equals: 'client_secret' }`.
 */
export interface SecretCondition {
  readonly setting: string;
  readonly equals: SettingValue | readonly SettingValue[];
}

/** A secret setting: stored in secret storage, write-only in the admin form, never echoed back. */
export interface SecretField {
  readonly label: string;
  readonly description?: string;
  /** Optional secrets are needed by some auth modes only; prefer `requiredWhen`, which says which. */
  readonly optional?: boolean;
  /**
   * Required exactly when the condition holds on the parsed settings, optional otherwise (it wins
   * over `optional`). `connect()` enforces it and the admin form shows which secret goes with
   * which mode, so a provider no longer checks the combination itself.
   */
  readonly requiredWhen?: SecretCondition;
  /**
   * The settings that say where this secret (or what it signs in to) is sent — an org URL, a
   * token endpoint, an API base URL. Changing one of them sends the stored secret somewhere new,
   * so Clearway refuses the change unless the secret is entered again with it.
   */
  readonly sentTo?: readonly string[];
}

/** What an admin needs to prepare in the provider before the connector works, shown beside the form. */
export interface SetupGuide {
  /** Short markdown: what to create in the IdP and where. */
  readonly steps: string;
  /** The exact permissions or scopes the credential needs, one per line item. */
  readonly permissions: readonly string[];
}

/** A provider's secret fields by name: the `secrets` of its spec. */
export type SecretFields = Readonly<Record<string, SecretField>>;

/**
 * A field `connect()` always requires: neither `optional: true` nor a `requiredWhen` condition.
 * (`label` keeps it from being a type of optional properties only, to which TypeScript's weak-type
 * rule would let no `{ label }` declaration conform.)
 */
interface AlwaysRequiredField {
  readonly label: string;
  readonly optional?: false;
  readonly requiredWhen?: undefined;
}

/**
 * The secret values `create()` receives, typed from the spec's declaration: a field declared
 * without `optional: true` and without `requiredWhen` is a `string` (`connect()` refuses to connect
 * without it, and an empty value counts as missing); any other field may be `undefined`. A field
 * whose type only says `optional: boolean` (a declaration annotated as `SecretField`) may be absent.
 */
export type SecretValues<Fields extends SecretFields> = {
  readonly [Name in keyof Fields]: Fields[Name] extends AlwaysRequiredField ? string : string | undefined;
};

export interface ProviderInit<Config, Fields extends SecretFields = SecretFields> {
  readonly config: Config;
  readonly secrets: SecretValues<Fields>;
  readonly host: ProviderHost;
}

export interface ProviderSpec<Schema extends z.ZodType, Fields extends SecretFields = SecretFields> {
  /** The provider type connectors are created from, e.g. `okta-group`. Lowercase, dash-separated. */
  readonly type: string;
  readonly displayName: string;
  readonly description: string;
  /** Non-secret settings. Field titles and descriptions (`.meta({ title, description })`) label the form. */
  readonly configSchema: Schema;
  /** The secret fields by name; `create()` gets their values typed by `SecretValues`. */
  readonly secrets: Fields;
  readonly capabilities: ProviderCapabilities;
  /**
   * What one connector can do, when its settings change it (e.g. a membership check configured as
   * direct or transitive). Defaults to `capabilities`; it may not batch more than they declare.
   */
  // Written as a method type so a spec over a narrower schema still passes where a wider one is expected.
  readonly connectorCapabilities?: { bivariant(config: z.output<Schema>): ProviderCapabilities }['bivariant'];
  readonly setup: SetupGuide;
  /** Builds the operations for one connector. Throw `InvalidConfigError` for a bad combination. */
  create(init: ProviderInit<z.output<Schema>, Fields>): ProviderOperations;
}

export interface ConnectOptions {
  /** Settings as stored; validated against the config schema here. */
  readonly config: unknown;
  /** Secret values by field name, as read from secret storage. */
  readonly secrets: Readonly<Record<string, string | undefined>>;
  readonly host?: ProviderHost;
}

export interface ProviderDefinition<Schema extends z.ZodType = z.ZodType, Fields extends SecretFields = SecretFields> {
  readonly type: string;
  readonly displayName: string;
  readonly description: string;
  readonly configSchema: Schema;
  readonly secrets: Fields;
  readonly capabilities: ProviderCapabilities;
  readonly setup: SetupGuide;
  /** Validates settings and secrets and returns a guarded connector. Throws `InvalidConfigError`. */
  connect(options: ConnectOptions): Connector;
}

const TYPE_PATTERN = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;

const defaultHost: ProviderHost = { now: () => Date.now() };

/**
 * Declares a provider. The returned definition validates a connector's settings and secrets and
 * wraps every operation so that, whatever the provider does, a caller gets: no work started past
 * the deadline or after an abort, only `ConnectorError`s, and no configured secret in any error
 * message or log line.
 */
export function defineProvider<Schema extends z.ZodType, Fields extends SecretFields>(
  spec: ProviderSpec<Schema, Fields>,
): ProviderDefinition<Schema, Fields> {
  if (!TYPE_PATTERN.test(spec.type)) {
    throw new TypeError(`Provider type "${spec.type}" must be lowercase words separated by dashes.`);
  }
  if (!Number.isInteger(spec.capabilities.maxBatchSize) || spec.capabilities.maxBatchSize < 1) {
    throw new TypeError(`Provider "${spec.type}": maxBatchSize must be a positive integer.`);
  }
  assertDefaultLimits(spec);
  assertSecretConditions(spec);

  const connect = (options: ConnectOptions): Connector => {
    const config = parseConfig(spec, options.config);
    const secrets = pickSecrets(spec, options.secrets, config);
    const redactor = createRedactor(Object.values<string | undefined>(secrets));
    const host = options.host ?? defaultHost;
    let operations: ProviderOperations;
    try {
      operations = spec.create({ config, secrets, host });
    } catch (error) {
      throw toConnectorError(error, `Setting up the ${spec.displayName} connector`).redactedWith(redactor);
    }
    if (spec.capabilities.maxBatchSize > 1 && !operations.addBatch) {
      throw new TypeError(`Provider "${spec.type}" declares batches of ${spec.capabilities.maxBatchSize} but has no addBatch.`);
    }
    const capabilities = spec.connectorCapabilities?.(config) ?? spec.capabilities;
    if (capabilities.maxBatchSize > spec.capabilities.maxBatchSize || capabilities.manual !== spec.capabilities.manual) {
      throw new TypeError(`Provider "${spec.type}": a connector may not batch more than the provider declares, nor change whether it is manual.`);
    }
    return guardOperations(spec.type, capabilities, operations, redactor);
  };

  return {
    type: spec.type,
    displayName: spec.displayName,
    description: spec.description,
    configSchema: spec.configSchema,
    secrets: spec.secrets,
    capabilities: spec.capabilities,
    setup: spec.setup,
    connect,
  };
}

function parseConfig<Schema extends z.ZodType>(spec: ProviderSpec<Schema>, raw: unknown): z.output<Schema> {
  const parsed = spec.configSchema.safeParse(raw);
  if (parsed.success) return parsed.data;
  // Name the fields by their form titles and say what is wrong in words; never echo the values.
  const problems = describeConfigProblems(parsed.error.issues, raw, settingTitles(spec.configSchema));
  throw new InvalidConfigError(`The ${spec.displayName} connector settings are invalid: ${problems.join('; ')}.`, {
    code: 'invalid_settings',
  });
}

function assertDefaultLimits(spec: ProviderSpec<z.ZodType>): void {
  const limits = spec.capabilities.defaultLimits;
  if (limits === undefined) return;
  const rateOk = Number.isFinite(limits.requestsPerSecond) && limits.requestsPerSecond > 0;
  const concurrencyOk = Number.isInteger(limits.concurrency) && limits.concurrency >= 1;
  if (!rateOk || !concurrencyOk) {
    throw new TypeError(`Provider "${spec.type}": defaultLimits needs a positive requestsPerSecond and a positive integer concurrency.`);
  }
}

/**
 * A `requiredWhen` or `sentTo` naming a setting the schema does not have would silently never
 * apply: a secret would never be required, or could be sent elsewhere without being entered again.
 */
function assertSecretConditions(spec: ProviderSpec<z.ZodType>): void {
  const entries = Object.entries(spec.secrets);
  const conditioned = entries.filter(([, field]) => field.requiredWhen !== undefined);
  const sent = entries.filter(([, field]) => (field.sentTo ?? []).length > 0);
  if (conditioned.length === 0 && sent.length === 0) return;
  const settings = settingTitles(spec.configSchema);
  for (const [name, field] of sent) {
    const unknown = (field.sentTo ?? []).filter((setting) => !settings.has(setting));
    if (unknown.length > 0) {
      throw new TypeError(`Provider "${spec.type}": secret "${name}" is sent to ${unknown.map((setting) => `"${setting}"`).join(', ')}, but the settings have no such setting.`);
    }
  }
  for (const [name, field] of conditioned) {
    const setting = field.requiredWhen?.setting ?? '';
    if (!settings.has(setting)) {
      throw new TypeError(`Provider "${spec.type}": secret "${name}" is required when setting "${setting}" matches, but the settings have no "${setting}".`);
    }
  }
}

/** Top-level setting names and their form titles, read from the schema's JSON Schema. */
function settingTitles(schema: z.ZodType): ReadonlyMap<string, string> {
  const json = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as { properties?: Record<string, { title?: unknown }> };
  return new Map(Object.entries(json.properties ?? {}).map(([name, property]) => [name, typeof property.title === 'string' ? property.title : name]));
}

/** Whether a secret field is required for these parsed settings. */
export function isSecretRequired(field: SecretField, config: unknown): boolean {
  if (field.requiredWhen === undefined) return !field.optional;
  const { setting, equals } = field.requiredWhen;
  const value: unknown = config !== null && typeof config === 'object' ? (config as Record<string, unknown>)[setting] : undefined;
  const accepted: readonly unknown[] = Array.isArray(equals) ? equals : [equals];
  return accepted.includes(value);
}

/** The declared secrets' values; throws unless every secret these settings require is there and not empty. */
function pickSecrets<Fields extends SecretFields>(
  spec: ProviderSpec<z.ZodType, Fields>,
  given: Readonly<Record<string, string | undefined>>,
  config: unknown,
): SecretValues<Fields> {
  const fields = Object.entries<SecretField>(spec.secrets);
  const missing = fields.filter(([name, field]) => isSecretRequired(field, config) && !given[name]);
  if (missing.length > 0) {
    const titles = missing.some(([, field]) => field.requiredWhen) ? settingTitles(spec.configSchema) : new Map<string, string>();
    const labels = missing.map(([, { label, requiredWhen }]) => {
      if (!requiredWhen) return label;
      // Name the setting and its current value (settings are not secret) so the admin sees why.
      const value = String((config as Record<string, unknown>)[requiredWhen.setting]);
      return `${label} (needed when ${titles.get(requiredWhen.setting) ?? requiredWhen.setting} is "${value}")`;
    });
    throw new InvalidConfigError(`The ${spec.displayName} connector is missing its ${labels.join(', ')}.`, {
      code: 'missing_secret',
    });
  }
  // Every field `SecretValues` types as a string was required above, so it is present and not empty.
  return Object.fromEntries(fields.map(([name]) => [name, given[name] || undefined])) as SecretValues<Fields>;
}

function guardOperations(
  type: string,
  capabilities: ProviderCapabilities,
  operations: ProviderOperations,
  redactor: Redactor,
): Connector {
  const classify = (error: unknown, action: string) => toConnectorError(error, action).redactedWith(redactor);
  /** `schema` is the shape every result must have, or, when it depends on the request, made from the arguments. */
  const guard = <Args extends unknown[], Result>(
    action: string,
    run: (ctx: OperationContext, ...args: Args) => Promise<Result>,
    schema: z.ZodType | ((...args: Args) => z.ZodType),
    redactResult: (result: Result) => Result = (result) => result,
  ) => {
    return async (ctx: OperationContext, ...args: Args): Promise<Result> => {
      assertCanProceed(ctx, action);
      const safeCtx: OperationContext = { ...ctx, logger: redactingLogger(ctx.logger, redactor) };
      try {
        const resultSchema = typeof schema === 'function' ? schema(...args) : schema;
        return redactResult(validResult(resultSchema, await run(safeCtx, ...args), action));
      } catch (error) {
        throw classify(error, action);
      }
    };
  };

  const { listMembers } = operations;
  const addBatch = async (ctx: OperationContext, group: GroupRef, identities: readonly ExternalIdentity[]): Promise<BatchItemResult[]> => {
    if (operations.addBatch) return operations.addBatch(ctx, group, identities);
    return addOneByOne(ctx, identities, (identity) => operations.add(ctx, group, identity), (error) => classify(error, 'Adding the user to the group'));
  };

  return {
    type,
    capabilities,
    // Check messages are admin-facing text: they get the same redaction as errors.
    test: guard('Testing the connection', (ctx, options) => operations.test(ctx, options), connectionTestSchema, (result) => ({
      ok: result.ok && result.checks.every((check) => check.passed),
      checks: result.checks.map((check) => ({ ...check, message: redactor.redact(check.message) })),
    })),
    resolveIdentity: guard('Resolving the user', (ctx, subject) => operations.resolveIdentity(ctx, subject), identityResolutionSchema),
    bindGroup: guard(
      'Binding the group',
      (ctx, spec) => {
        if (!spec.groupId && !spec.name) {
          throw new InvalidConfigError('A configured group needs a group id or a group name.', { code: 'group_unspecified' });
        }
        if (spec.createIfMissing && !capabilities.createGroups && !spec.groupId) {
          throw new UnsupportedError(`The ${type} provider cannot create groups; bind an existing group instead.`);
        }
        return operations.bindGroup(ctx, spec);
      },
      groupBindingSchema,
    ),
    add: guard('Adding the user to the group', (ctx, group, identity) => operations.add(ctx, group, identity), membershipOutcomeSchema),
    addBatch: guard(
      'Adding users to the group',
      async (ctx, group: GroupRef, identities: readonly ExternalIdentity[]) => {
        if (identities.length > capabilities.maxBatchSize) {
          throw new InvalidRequestError(`A batch of ${identities.length} users exceeds the provider's limit of ${capabilities.maxBatchSize}.`, {
            code: 'batch_too_large',
          });
        }
        const results = await addBatch(ctx, group, identities);
        if (!Array.isArray(results) || results.length !== identities.length) {
          throw new TransientError(`Adding users to the group failed: the provider answered for ${Array.isArray(results) ? results.length : 0} of ${identities.length} users.`, {
            code: 'unexpected_response',
          });
        }
        return results.map((result) => batchItem(result, classify));
      },
      batchResultsSchema,
    ),
    remove: guard('Removing the user from the group', (ctx, group, identity) => operations.remove(ctx, group, identity), membershipOutcomeSchema),
    check: guard('Checking group membership', (ctx, group, identity) => operations.check(ctx, group, identity), membershipCheckSchema),
    // Only a provider that can list a group gets the property: its absence is how the engine knows.
    ...(listMembers && {
      listMembers: guard(
        'Listing the group members',
        (ctx, group: GroupRef, cursor?: string) => {
          if (cursor !== undefined && cursor.length === 0) {
            throw new InvalidRequestError('A page of group members was asked for with an empty cursor; ask for the first page without one.', { code: 'invalid_cursor' });
          }
          return listMembers.call(operations, ctx, group, cursor);
        },
        (_group, cursor) => memberPageSchemaFor(cursor),
      ),
    }),
  };
}

/** Items were checked one by one in `batchItem`; the array itself only has to be an array. */
const batchResultsSchema = z.array(z.unknown());

/** One batch item as the engine receives it: a valid outcome, or a classified, redacted error. */
function batchItem(result: BatchItemResult, classify: (error: unknown, action: string) => ConnectorError): BatchItemResult {
  const action = 'Adding the user to the group';
  if (result !== null && typeof result === 'object' && result.outcome === 'failed') return { outcome: 'failed', error: classify(result.error, action) };
  try {
    return validResult(membershipOutcomeSchema, result, action);
  } catch (error) {
    return { outcome: 'failed', error: classify(error, action) };
  }
}

/**
 * A batch added one user per request: each user gets their own outcome or error. A rate limit, or
 * the deadline, stops the batch: the users not yet sent get that error instead of collecting their
 * own 429s. The default `addBatch` of a provider without one, and the fallback of a provider whose
 * batch request was refused as a whole.
 */
export async function addOneByOne(
  ctx: OperationContext,
  identities: readonly ExternalIdentity[],
  add: (identity: ExternalIdentity) => Promise<BatchItemResult>,
  classify: (error: unknown) => ConnectorError,
): Promise<BatchItemResult[]> {
  const results: BatchItemResult[] = [];
  let stop: ConnectorError | undefined;
  for (const identity of identities) {
    if (stop) {
      results.push({ outcome: 'failed', error: stop });
      continue;
    }
    try {
      assertCanProceed(ctx, 'Adding the user to the group');
      results.push(await add(identity));
    } catch (error) {
      const classified = classify(error);
      results.push({ outcome: 'failed', error: classified });
      if (classified.kind === 'rate_limited' || classified.code === 'deadline_exceeded' || classified.code === 'aborted') stop = classified;
    }
  }
  return results;
}
