import { createOperationContext, isConnectorError, type Connector, type ExternalIdentity, type GroupRef, type OperationContext, type ProviderDefinition, type Subject } from '@clearway/connector-sdk';

export interface ConnectorCheckInput {
  readonly provider: ProviderDefinition;
  readonly settings: unknown;
  readonly secrets: Readonly<Record<string, string | undefined>>;
  readonly subject: Subject;
  readonly group: { readonly groupId?: string; readonly name?: string; readonly createIfMissing?: boolean };
  /** Stop after resolving the user: nothing is changed in the directory. */
  readonly dryRun: boolean;
  readonly timeoutMs?: number;
}

export interface CheckStep {
  readonly step: 'settings' | 'test' | 'resolve' | 'bind' | 'check' | 'add' | 'remove';
  readonly ok: boolean;
  readonly detail: string;
  readonly ms: number;
}

/**
 * Runs a connector against a real tenant or the simulator, step by step: test, resolve, bind,
 * then (unless a dry run) add → check → remove → check. A user who already is a member is left
 * alone: the check never takes away access it did not give.
 */
export async function runConnectorCheck(input: ConnectorCheckInput): Promise<CheckStep[]> {
  const steps: CheckStep[] = [];
  const ctx = (): OperationContext => createOperationContext({ timeoutMs: input.timeoutMs ?? 20_000 });
  const step = async <T>(name: CheckStep['step'], run: () => Promise<T>, describe: (value: T) => { ok: boolean; detail: string }): Promise<T | undefined> => {
    const started = Date.now();
    try {
      const value = await run();
      steps.push({ step: name, ...describe(value), ms: Date.now() - started });
      return value;
    } catch (error) {
      const detail = isConnectorError(error) ? `${error.kind}${error.code !== error.kind ? ` (${error.code})` : ''}: ${error.message}` : error instanceof Error ? error.message : String(error);
      steps.push({ step: name, ok: false, detail, ms: Date.now() - started });
      return undefined;
    }
  };
  const failed = () => steps.some((entry) => !entry.ok);

  const connector = await step('settings', async () => input.provider.connect({ config: input.settings, secrets: input.secrets }), () => ({ ok: true, detail: 'settings and secrets accepted' }));
  if (!connector) return steps;
  await step('test', () => connector.test(ctx(), input.group.groupId ? { group: { id: input.group.groupId } } : {}), (result) => ({
    ok: result.ok,
    detail: result.checks.map((check) => `${check.passed ? '✓' : '✗'} ${check.name}: ${check.message}`).join('; '),
  }));
  if (failed()) return steps;
  const resolution = await step('resolve', () => connector.resolveIdentity(ctx(), input.subject), (result) =>
    result.outcome === 'resolved' ? { ok: true, detail: `${result.identity.id} (matched by ${result.matchedBy})` } : { ok: false, detail: `${result.reason}: ${result.message}` },
  );
  if (!resolution || resolution.outcome !== 'resolved' || input.dryRun) return steps;
  const binding = await step('bind', () => connector.bindGroup(ctx(), input.group), (result) => ({ ok: true, detail: `${result.outcome} ${result.group.name ?? ''} (${result.group.id})`.trim() }));
  if (!binding) return steps;
  await membershipRound(connector, binding.group, resolution.identity, ctx, step);
  return steps;
}

type StepRunner = <T>(name: CheckStep['step'], run: () => Promise<T>, describe: (value: T) => { ok: boolean; detail: string }) => Promise<T | undefined>;

async function membershipRound(connector: Connector, group: GroupRef, identity: ExternalIdentity, ctx: () => OperationContext, step: StepRunner): Promise<void> {
  const before = await step('check', () => connector.check(ctx(), group, identity), (result) => ({ ok: true, detail: `before: ${result.outcome}` }));
  if (!before) return;
  if (before.outcome === 'member') {
    await step('add', async () => undefined, () => ({ ok: true, detail: 'already a member: add and remove skipped so existing access is left alone' }));
    return;
  }
  const added = await step('add', () => connector.add(ctx(), group, identity), (result) => ({ ok: true, detail: result.outcome }));
  if (!added || added.outcome === 'pending_manual') return;
  await step('check', () => connector.check(ctx(), group, identity), (result) => ({ ok: result.outcome === 'member', detail: `after add: ${result.outcome}` }));
  await step('remove', () => connector.remove(ctx(), group, identity), (result) => ({ ok: result.outcome === 'applied' || result.outcome === 'already_satisfied', detail: result.outcome }));
  await step('check', () => connector.check(ctx(), group, identity), (result) => ({ ok: result.outcome === 'not_member', detail: `after remove: ${result.outcome}` }));
}
