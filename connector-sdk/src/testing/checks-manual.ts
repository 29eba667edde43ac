import assert from 'node:assert/strict';
import type { ConformanceCheck } from './check.js';

/** Checks for providers whose add/remove a person carries out. */
export const manualChecks: readonly ConformanceCheck[] = [
  {
    id: 'manual-tasks',
    title: 'add and remove answer pending_manual with a task a person can follow, the same each time',
    modes: ['manual'],
    async run({ connector, ctx, fixture, identity }) {
      const group = fixture.existingGroup;
      const user = await identity();
      const first = await connector.add(ctx(), group, user);
      const second = await connector.add(ctx(), group, user);
      assert.equal(first.outcome, 'pending_manual');
      assert.deepEqual(second, first, 'asking again gives the same task');
      if (first.outcome === 'pending_manual') {
        assert.equal(first.task.action, 'provision');
        assert.ok(first.task.summary.trim().length > 0);
      }
      const removal = await connector.remove(ctx(), group, user);
      assert.equal(removal.outcome, 'pending_manual');
      if (removal.outcome === 'pending_manual') assert.equal(removal.task.action, 'deprovision');
    },
  },
  {
    id: 'manual-check',
    title: 'check asks for verification until a person confirms, then reports the confirmation',
    modes: ['manual'],
    async run({ connector, ctx, fixture, identity }) {
      assert.ok(fixture.confirmManual, 'a manual provider fixture must provide `confirmManual`');
      const group = fixture.existingGroup;
      const user = await identity();
      const unconfirmed = await connector.check(ctx(), group, user);
      assert.equal(unconfirmed.outcome, 'pending_manual');
      if (unconfirmed.outcome === 'pending_manual') assert.equal(unconfirmed.task.action, 'verify');
      await fixture.confirmManual(group, user, true);
      assert.deepEqual(await connector.check(ctx(), group, user), { outcome: 'member', via: 'manual_confirmation' });
      await fixture.confirmManual(group, user, false);
      assert.deepEqual(await connector.check(ctx(), group, user), { outcome: 'not_member', via: 'manual_confirmation' });
    },
  },
];
