import assert from 'node:assert/strict';
import type { ExternalIdentity } from '../contract.js';
import type { CheckEnvironment, ConformanceCheck } from './check.js';
import { modeOf } from './check.js';
import { abortChecks } from './checks-abort.js';
import { commonChecks } from './checks-common.js';
import { directoryChecks } from './checks-directory.js';
import { faultChecks } from './checks-faults.js';
import { manualChecks } from './checks-manual.js';
import { memberChecks } from './checks-members.js';
import type { ConformanceHarness } from './harness.js';
import { EmissionRecorder, findSecretLeaks } from './recorder.js';

export const ALL_CHECKS: readonly ConformanceCheck[] = [...commonChecks, ...directoryChecks, ...faultChecks, ...abortChecks, ...manualChecks, ...memberChecks];

/** Secrets shorter than this cannot be told apart from ordinary text, so a leak would go unseen. */
const MIN_FIXTURE_SECRET_LENGTH = 12;

/** The checks that apply to a provider, given its capabilities. */
export function applicableChecks(harness: ConformanceHarness): ConformanceCheck[] {
  const mode = modeOf(harness);
  return ALL_CHECKS.filter((check) => check.modes.includes(mode) && (check.when?.(harness) ?? true));
}

/** How a check that did not throw went: it passed, or it did not apply to this connector or fixture. */
export type CheckRun = { readonly outcome: 'passed' } | { readonly outcome: 'not_applicable'; readonly reason: string };

/**
 * Runs one check on a fresh fixture, then proves no configured secret appeared in anything the
 * connector returned, threw or logged while it ran. Throws when the check fails; a check whose
 * `notApplicable` gives a reason is not run.
 */
export async function runCheck(harness: ConformanceHarness, check: ConformanceCheck): Promise<CheckRun> {
  const fixture = await harness.setup();
  try {
    for (const [name, value] of Object.entries(fixture.connect.secrets)) {
      assert.ok(!value || value.length >= MIN_FIXTURE_SECRET_LENGTH, `fixture secret "${name}" must be at least ${MIN_FIXTURE_SECRET_LENGTH} characters`);
    }
    const recorder = new EmissionRecorder();
    const connector = recorder.watch(harness.provider.connect(fixture.connect));
    const identities = new Map<number, ExternalIdentity>();
    const env: CheckEnvironment = {
      harness,
      fixture,
      connector,
      recorder,
      ctx: (options) => recorder.context(options),
      async identity(index = 0) {
        const cached = identities.get(index);
        if (cached) return cached;
        const user = fixture.users[index];
        assert.ok(user, `the fixture has no user #${index}`);
        const resolution = await connector.resolveIdentity(recorder.context(), user.subject);
        assert.equal(resolution.outcome, 'resolved', `fixture user #${index} must resolve: ${JSON.stringify(resolution)}`);
        if (resolution.outcome !== 'resolved') throw new Error('unreachable');
        identities.set(index, resolution.identity);
        return resolution.identity;
      },
    };
    const reason = check.notApplicable?.(env);
    if (reason !== undefined) return { outcome: 'not_applicable', reason };
    await check.run(env);
    const obtained: Record<string, string | undefined> = {};
    for (const [name, value] of Object.entries(fixture.obtainedSecrets?.() ?? {})) obtained[`${name} (obtained by the connector)`] = value;
    const leaks = findSecretLeaks({ ...fixture.connect.secrets, ...obtained }, recorder.emissions);
    assert.deepEqual(leaks, [], 'no configured or obtained secret may appear in a result, an error or a log line');
    return { outcome: 'passed' };
  } finally {
    await fixture.teardown?.();
  }
}

export interface CheckResult {
  readonly id: string;
  readonly title: string;
  readonly passed: boolean;
  readonly failure?: string;
}

/**
 * Runs every applicable check and reports each; never throws for a failing provider. A check that
 * turned out not to apply once connected (an optional operation the connector does not have) is
 * left out of the report.
 */
export async function runConformance(harness: ConformanceHarness): Promise<CheckResult[]> {
  const results: CheckResult[] = [];
  for (const check of applicableChecks(harness)) {
    try {
      if ((await runCheck(harness, check)).outcome === 'not_applicable') continue;
      results.push({ id: check.id, title: check.title, passed: true });
    } catch (error) {
      results.push({ id: check.id, title: check.title, passed: false, failure: error instanceof Error ? error.message : String(error) });
    }
  }
  return results;
}
