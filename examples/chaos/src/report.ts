import { table } from '@clearway/sandbox';
import type { InvariantCounts } from './invariants.js';
import type { ChaosResult } from './scenario.js';

/** What each count means, in the order the report lists them. */
export const COUNT_MEANINGS: Readonly<Record<keyof InvariantCounts, string>> = {
  lost: 'no terminal state and no open job, or missing',
  wronglyActive: 'active, but not in the group',
  endedOrFailedButMember: 'expired / revoked / provision_failed, but in the group',
  duplicateEffects: 'a change applied or recorded twice, a group created twice',
  terminalFromTransient: 'ended for good on a transient / rate-limit / unexpected-response error',
  chainBroken: 'the audit chain does not verify',
  terminalOther: 'ended for good on another error (only faults could cause one)',
  phantomOutcomes: 'recorded applied / already_satisfied for a change that never happened',
  unsettled: 'a job still open when the settle phase gave up',
  bindingWrong: 'the tool bound to a group that is not its configured group',
  workerCrashes: 'worker processes that died on their own',
  storeErrors: "store errors met by the driver's revokes and expiry sweeps",
  deadlineOverruns: 'runDueJobs runs that overran their deadline',
};

export function violations(result: ChaosResult): Array<[keyof InvariantCounts, number]> {
  return (Object.keys(COUNT_MEANINGS) as Array<keyof InvariantCounts>).map((name) => [name, result.endState.counts[name]] as [keyof InvariantCounts, number]).filter(([, count]) => count > 0);
}

function faultTable(faults: ChaosResult['faults']): string {
  const columns = [...new Set(Object.values(faults).flatMap((row) => Object.keys(row)))].sort();
  if (columns.length === 0) return '(no faults injected)';
  const rows = Object.entries(faults).map(([label, row]) => [label, ...columns.map((column) => String(row[column] ?? '')), String(Object.values(row).reduce((sum, value) => sum + value, 0))]);
  return table(['fault', ...columns, 'total'], rows);
}

function retriedTable(title: string, retried: Record<string, number>): string {
  const rows = Object.entries(retried).sort(([, a], [, b]) => b - a);
  return rows.length === 0 ? `${title}: none` : table([title, 'attempts'], rows.map(([code, count]) => [code, String(count)]));
}

/** The run as a person reads it: the counts, where grants ended, the faults, the processes, the times. */
export function formatReport(result: ChaosResult, baseline?: ChaosResult): string {
  const counts = result.endState.counts;
  const sections = [
    `Chaos run: seed ${result.seed}, ${result.grants} grants, up to ${result.workers} workers, ${result.faultsInjected} faults injected in ${Object.values(result.requests).reduce((sum, value) => sum + value, 0)} requests${result.settled ? '' : ' — the settle phase GAVE UP'}`,
    table(
      ['count', 'value', 'what it counts'],
      (Object.keys(COUNT_MEANINGS) as Array<keyof InvariantCounts>).map((name) => [name, String(counts[name]), COUNT_MEANINGS[name]]),
    ),
    table(['grants by end status', 'grants'], Object.entries(result.endState.grantsByStatus).sort(([a], [b]) => a.localeCompare(b)).map(([status, count]) => [status, String(count)])),
    Object.keys(result.endState.terminalFailures).length > 0 ? table(['terminal failures', 'jobs'], Object.entries(result.endState.terminalFailures).map(([label, count]) => [label, String(count)])) : 'terminal failures: none',
    faultTable(result.faults),
    retriedTable('retried attempts (chaos run)', result.endState.retriedAttempts),
    ...(baseline ? [retriedTable('retried attempts without faults', baseline.endState.retriedAttempts)] : []),
    table(
      ['processes and actions', 'value'],
      [
        ['workers started', String(result.workerProcesses.started)],
        ['killed (SIGKILL) / restarted', `${result.workerProcesses.kills} / ${result.workerProcesses.restarts}`],
        ['crashed on their own', String(result.workerProcesses.crashes.length)],
        ['killed at stop (did not stop within 10 s)', String(result.workerProcesses.killedAtStop.length)],
        ['largest runDueJobs overrun past its deadline', `${(result.maxOverrunMs / 1000).toFixed(1)} s`],
        ['revoked (of which while the add was in flight)', `${result.actions.revoked} (${result.actions.revokedWhileAddInFlight})`],
        ['…deprovisioned before that add landed', String(result.actions.deprovisionedBeforeAddLanded)],
        ['clock moved a day ahead / grants expired by the sweep', `${result.actions.clockJumps} / ${result.actions.expiredBySweep}`],
        ['time: setup / chaos / settle / total', `${result.seconds.setup.toFixed(1)} / ${result.seconds.chaos.toFixed(1)} / ${result.seconds.settle.toFixed(1)} / ${result.seconds.total.toFixed(1)} s`],
        ...(baseline ? [['the same scenario without faults (drain / total)', `${baseline.seconds.settle.toFixed(1)} / ${baseline.seconds.total.toFixed(1)} s`]] : []),
      ],
    ),
  ];
  const crashes = new Map<string, number>();
  for (const crash of result.workerProcesses.crashes) crashes.set(crash.message, (crashes.get(crash.message) ?? 0) + 1);
  if (crashes.size > 0) sections.push(table(['worker crashes', 'times'], [...crashes.entries()].map(([message, times]) => [message.slice(0, 160), String(times)])));
  const examples = Object.entries(result.endState.examples).flatMap(([name, list]) => list.map((example) => `  ${name}: ${example}`));
  if (examples.length > 0) sections.push(['Examples behind the non-zero counts:', ...examples].join('\n'));
  for (const [grant, lines] of Object.entries(result.endState.traces)) sections.push([`Trace of ${grant}:`, ...lines.map((line) => `  ${line}`)].join('\n'));
  return sections.join('\n\n');
}
