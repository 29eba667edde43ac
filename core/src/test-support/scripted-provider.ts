import { defineProvider, NotFoundError, remainingMs, TransientError, type BatchItemResult, type ConnectorError, type ExternalIdentity, type GroupRef, type MembershipOutcome, type OperationContext, type ProviderDefinition } from '@clearway/connector-sdk';
import { z } from 'zod';

type Op = 'resolve' | 'bind' | 'add' | 'remove' | 'check' | 'batch' | 'list';

/**
 * An in-memory directory behind a scripted provider: real membership state, a queue of faults
 * each consumed by the next matching operation, optional latency on a fake clock, and a log of
 * every operation and outcome so tests can prove what the engine made the provider do.
 */
export class ScriptedDirectory {
  readonly users = new Map<string, { id: string; email: string; active: boolean }>();
  readonly members = new Map<string, Set<string>>();
  readonly log: Array<{ op: Op; user?: string; group?: string; outcome: string; at: number }> = [];
  readonly groups = new Map<string, string>();
  private readonly faults: Array<{ op: Op | 'any'; error: ConnectorError }> = [];
  /** Operations whose next call applies its change, then loses the answer (a timeout after the fact). */
  private readonly lostAnswers: Op[] = [];
  /** Operations whose next call answers something that is not a valid result (a blank id). */
  private readonly malformed: Op[] = [];
  /** Time left before the context's deadline when each add or batch call began. */
  readonly budgets: number[] = [];
  /** An `add` that applied waits for this before it answers (its answer held back). */
  gate: Promise<void> | undefined;
  /** An `add` waits for this before it applies (a request still on its way). */
  applyGate: Promise<void> | undefined;
  /** A `remove` waits for this before it applies. */
  removeGate: Promise<void> | undefined;
  /** A `bindGroup` waits for this before it looks for the group (and creates it). */
  bindGate: Promise<void> | undefined;
  /** How many `bindGroup` calls have started. */
  bindsStarted = 0;
  latencyMs = 0;
  /** Off: like a SCIM service refusing email filters, only an explicit mapping finds a user. */
  searchableByEmail = true;

  constructor(
    readonly now: () => number = Date.now,
    readonly advance: (ms: number) => void = () => undefined,
  ) {}

  addUser(email: string, active = true): string {
    const id = `u-${email.split('@')[0]}`;
    this.users.set(id, { id, email, active });
    return id;
  }

  failNext(op: Op | 'any', error: ConnectorError, times = 1): void {
    for (let index = 0; index < times; index += 1) this.faults.push({ op, error });
  }

  loseNextAnswer(op: Op): void {
    this.lostAnswers.push(op);
  }

  malformNext(op: Op): void {
    this.malformed.push(op);
  }

  /** Whether this call of `op` answers malformed (consumed). */
  takeMalformed(op: Op): boolean {
    const index = this.malformed.indexOf(op);
    if (index < 0) return false;
    this.malformed.splice(index, 1);
    return true;
  }

  /** Throws a timeout when this call's answer is to be lost, after the change was applied. */
  loseAnswer(op: Op): void {
    const index = this.lostAnswers.indexOf(op);
    if (index < 0) return;
    this.lostAnswers.splice(index, 1);
    this.log.push({ op, outcome: 'answer_lost', at: this.now() });
    throw new TransientError('The call did not complete in time (TimeoutError).', { code: 'timeout' });
  }

  isMember(groupId: string, userId: string): boolean {
    return this.members.get(groupId)?.has(userId) ?? false;
  }

  appliedAdds(userId: string): number {
    return this.log.filter((entry) => entry.op === 'add' && entry.user === userId && entry.outcome === 'applied').length;
  }

  async step(op: Op): Promise<void> {
    if (this.latencyMs > 0) this.advance(this.latencyMs);
    const index = this.faults.findIndex((fault) => fault.op === op || fault.op === 'any');
    if (index >= 0) {
      const [fault] = this.faults.splice(index, 1);
      this.log.push({ op, outcome: `error:${fault!.error.kind}`, at: this.now() });
      throw fault!.error;
    }
  }

  record(op: Op, outcome: string, group?: GroupRef, user?: ExternalIdentity): void {
    this.log.push({ op, outcome, at: this.now(), ...(group && { group: group.id }), ...(user && { user: user.id }) });
  }

  membersOf(groupId: string): Set<string> {
    let set = this.members.get(groupId);
    if (!set) {
      set = new Set();
      this.members.set(groupId, set);
    }
    return set;
  }
}

export function scriptedProvider(directory: ScriptedDirectory, options: { type?: string; maxBatchSize?: number; manual?: boolean } = {}): ProviderDefinition {
  const maxBatchSize = options.maxBatchSize ?? 1;
  const addOne = async (group: GroupRef, identity: ExternalIdentity): Promise<MembershipOutcome> => {
    const members = directory.membersOf(group.id);
    const outcome = members.has(identity.id) ? 'already_satisfied' : 'applied';
    members.add(identity.id);
    directory.record('add', outcome, group, identity);
    return { outcome };
  };
  return defineProvider({
    type: options.type ?? 'scripted-group',
    displayName: 'Scripted directory',
    description: 'A directory for tests.',
    configSchema: z.object({}),
    secrets: {},
    capabilities: { createGroups: true, maxBatchSize, membershipCheck: options.manual ? 'manual' : 'direct', manual: options.manual ?? false },
    setup: { steps: 'none', permissions: [] },
    create: ({ host }) => ({
      test: async () => ({ ok: true, checks: [{ name: 'Directory', passed: true, message: 'reachable' }] }),
      resolveIdentity: async (_ctx, subject) => {
        await directory.step('resolve');
        if (options.manual) {
          const id = subject.mappedExternalId ?? subject.email ?? subject.accountId;
          return { outcome: 'resolved', identity: { id, ...(subject.email !== undefined && { email: subject.email }) }, matchedBy: subject.mappedExternalId ? 'mapping' : 'email' };
        }
        if (!subject.mappedExternalId && !directory.searchableByEmail) {
          directory.record('resolve', 'mapping_required');
          return { outcome: 'unresolved', reason: 'mapping_required', message: 'This directory cannot search its users by email.' };
        }
        const user = subject.mappedExternalId
          ? directory.users.get(subject.mappedExternalId)
          : [...directory.users.values()].find((candidate) => candidate.email === subject.email);
        directory.record('resolve', user ? 'resolved' : 'not_found');
        if (!user) return { outcome: 'unresolved', reason: 'not_found', message: `no user with email ${subject.email ?? '(none)'}` };
        if (!user.active) return { outcome: 'unresolved', reason: 'inactive', message: 'the user is deactivated' };
        return { outcome: 'resolved', identity: { id: user.id, email: user.email }, matchedBy: subject.mappedExternalId ? 'mapping' : 'email' };
      },
      bindGroup: async (_ctx, spec) => {
        await directory.step('bind');
        if (directory.takeMalformed('bind')) return { group: { id: '', name: spec.name ?? '' }, outcome: 'created' };
        directory.bindsStarted += 1;
        if (directory.bindGate) await directory.bindGate;
        const name = spec.name ?? spec.groupId ?? 'group';
        const existing = spec.groupId ?? [...directory.groups.entries()].find(([, groupName]) => groupName === name)?.[0];
        if (existing) {
          directory.record('bind', 'bound');
          return { group: { id: existing, name }, outcome: 'bound' };
        }
        const id = `g-${directory.groups.size + 1}`;
        directory.groups.set(id, name);
        directory.record('bind', 'created');
        return { group: { id, name }, outcome: 'created' };
      },
      add: async (ctx: OperationContext, group, identity) => {
        directory.budgets.push(remainingMs(ctx));
        await directory.step('add');
        if (options.manual) return { outcome: 'pending_manual', task: { action: 'provision', summary: `Give ${identity.id} access to ${group.name ?? group.id}` } };
        if (directory.applyGate) await directory.applyGate;
        const outcome = await addOne(group, identity);
        if (directory.gate) await directory.gate;
        directory.loseAnswer('add');
        return outcome;
      },
      ...(maxBatchSize > 1 && {
        // Each user gets their own result: one the directory does not know fails alone.
        addBatch: async (ctx: OperationContext, group, identities) => {
          directory.budgets.push(remainingMs(ctx));
          await directory.step('batch');
          directory.record('batch', `size:${identities.length}`, group);
          const results: BatchItemResult[] = [];
          for (const identity of identities) {
            if (!directory.users.has(identity.id)) results.push({ outcome: 'failed', error: new NotFoundError(`No user ${identity.id} in the directory.`, { code: 'user_not_found' }) });
            else results.push(await addOne(group, identity));
          }
          return results;
        },
      }),
      remove: async (_ctx, group, identity) => {
        await directory.step('remove');
        if (options.manual) return { outcome: 'pending_manual', task: { action: 'deprovision', summary: `Remove ${identity.id} from ${group.name ?? group.id}` } };
        if (directory.removeGate) await directory.removeGate;
        const outcome = directory.membersOf(group.id).delete(identity.id) ? 'applied' : 'already_satisfied';
        directory.record('remove', outcome, group, identity);
        return { outcome };
      },
      check: async (_ctx, group, identity) => {
        await directory.step('check');
        if (options.manual) {
          const confirmation = await host.manualConfirmation?.(group, identity);
          if (!confirmation) return { outcome: 'pending_manual', task: { action: 'verify', summary: `Check ${identity.id}` } };
          return { outcome: confirmation.member ? 'member' : 'not_member', via: 'manual_confirmation' };
        }
        const member = directory.isMember(group.id, identity.id);
        directory.record('check', member ? 'member' : 'not_member', group, identity);
        return { outcome: member ? 'member' : 'not_member', via: 'direct' };
      },
      // Two members a page, so a reconciliation has to follow the cursor.
      ...(!options.manual && {
        listMembers: async (_ctx: OperationContext, group: GroupRef, cursor?: string) => {
          await directory.step('list');
          if (!directory.groups.has(group.id)) throw new NotFoundError(`No group ${group.id}.`, { code: 'group_not_found' });
          const all = [...directory.membersOf(group.id)].sort();
          const start = cursor === undefined ? 0 : Number(cursor);
          const members = all.slice(start, start + 2).map((id) => ({ id, ...(directory.users.get(id) && { email: directory.users.get(id)!.email }) }));
          directory.record('list', `page:${members.length}`, group);
          return { members, ...(start + 2 < all.length && { nextCursor: String(start + 2) }) };
        },
      }),
    }),
  });
}
