import { JOB_STATUSES, REQUEST_STATUSES, exceptionReport, iterateQuery, listAuditEvents, listExceptions, listUnmanagedMembers, verifyAuditLog, viewGrant, type AuditEvent } from '@clearway/core';
import type { Command } from 'commander';
import { EXIT, emit, isoDay, CliError } from './output.js';
import { requireSandbox } from './sandbox-data.js';

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const all: T[] = [];
  for await (const item of items) all.push(item);
  return all;
}

/** The `--status` option's value, checked against the statuses core knows. */
function statusOption<S extends string>(value: string | undefined, known: readonly S[]): S | undefined {
  if (value === undefined || value === '') return undefined;
  if (!(known as readonly string[]).includes(value)) throw new CliError(`--status must be one of ${known.join(', ')}.`, EXIT.usage);
  return value as S;
}

/** Read-only views of the sandbox store: catalog, requests, grants, exceptions, jobs, audit. */
export function registerInspectCommands(program: Command, json: () => boolean): void {
  program
    .command('catalog')
    .description('List the catalog: tools, status, risk, durations and fulfillment mode')
    .option('--requestable', 'only tools a requester can ask for now')
    .action(async (options: { requestable?: boolean }) => {
      const deps = await requireSandbox();
      const tools = await collect(iterateQuery(deps.store, 'tool', options.requestable ? 'byStatus' : 'byName', { partition: options.requestable ? ['approved'] : [], limit: 100 }));
      emit(json(), tools, ['id', 'name', 'status', 'risk', 'default/max days', 'connector', 'group'], () =>
        tools.map((tool) => [tool.id, tool.name, tool.status, tool.riskLevel, `${tool.defaultDurationDays}/${tool.maxDurationDays}`, tool.fulfillment.connectorId, tool.fulfillment.bound?.groupName ?? tool.fulfillment.group.name ?? '']),
      );
    });

  program
    .command('requests')
    .description('List access requests, newest first')
    .option('--status <status>', `only one status (${REQUEST_STATUSES.join(', ')})`)
    .action(async (options: { status?: string }) => {
      const status = statusOption(options.status, REQUEST_STATUSES);
      const deps = await requireSandbox();
      const requests = await collect(
        status
          ? iterateQuery(deps.store, 'request', 'byStatus', { partition: [status], direction: 'desc', limit: 100 })
          : iterateQuery(deps.store, 'request', 'all', { partition: [], direction: 'desc', limit: 100 }),
      );
      emit(json(), requests, ['issue', 'requester', 'tool', 'days', 'status', 'decided by', 'source', 'policy v'], () =>
        requests.map((request) => [request.issueKey, request.requesterName ?? request.requesterAccountId, request.toolId ?? request.newTool?.name ?? '', String(request.durationDays), request.status, request.decision?.decidedBy ?? '', request.decision?.source ?? '', String(request.decision?.policyVersion ?? '')]),
      );
    });

  program
    .command('grants')
    .description('List grants with their state and expiry label (as of the sandbox clock)')
    .action(async () => {
      const deps = await requireSandbox();
      const now = deps.clock.now();
      const grants = (await collect(iterateQuery(deps.store, 'grant', 'all', { partition: [], direction: 'desc', limit: 100 }))).map((grant) => viewGrant(grant, now));
      emit(json(), grants, ['grant', 'issue', 'requester', 'tool', 'status', 'expires', 'label', 'deprovision', 'drift', 'failure'], () =>
        grants.map((grant) => [grant.id, grant.issueKey, grant.requesterAccountId, grant.toolId, grant.status, isoDay(grant.expiresAt), grant.expiryLabel, grant.deprovision, grant.drift?.kind ?? '', grant.failure?.code ?? '']),
      );
    });

  program
    .command('drift')
    .description("Members of each tool's group that no grant explains, as its latest reconciliation found them")
    .action(async () => {
      const deps = await requireSandbox();
      const tools = await collect(iterateQuery(deps.store, 'tool', 'byName', { partition: [], limit: 100 }));
      const reports = (await Promise.all(tools.map((tool) => listUnmanagedMembers(deps, tool.id)))).filter((report) => report !== undefined);
      const rows = reports.flatMap((report) => report.members.map((member) => ({ toolId: report.toolId, groupId: report.groupId, checkedAt: report.checkedAt, ...member })));
      emit(json(), rows, ['tool', 'group', 'member', 'first seen', 'checked'], () =>
        rows.map((row) => [row.toolId, row.groupId, row.login ?? row.email ?? row.id, isoDay(row.firstSeenAt), isoDay(row.checkedAt)]),
      );
    });

  const exceptions = program
    .command('exceptions')
    .description('Exceptions (access a security reviewer approved outside the rules): the open ones, soonest review first (the default), or the report')
    .option('--all', 'every exception, newest first, the closed ones with how they closed');
  exceptions
    .command('list', { isDefault: true })
    .description('List open exceptions (with --all: every exception)')
    .action(async () => {
      const all = exceptions.opts<{ all?: boolean }>().all === true;
      const deps = await requireSandbox();
      const items = (await listExceptions(deps, { state: all ? 'all' : 'open', limit: 100 })).items;
      emit(json(), items, ['grant', 'issue', 'requester', 'tool', 'outside the rules', 'approved by', 'standing', 'next review', 'closed'], () =>
        items.map((item) => [
          item.grantId,
          item.issueKey,
          item.requesterAccountId,
          item.toolId,
          item.kinds.map((kind) => (kind === 'duration' ? `${item.grantedDays} of ${item.allowedDays} days` : 'blocked tool')).join(', '),
          item.approvedBy,
          item.standing.replace(/_/g, ' '),
          item.state === 'open' ? isoDay(item.nextReviewAt) : '',
          item.closedHow?.replace(/_/g, ' ') ?? '',
        ]),
      );
    });
  exceptions
    .command('report')
    .description('Open exceptions against each tool limit, reviews due and overdue, and the last 30 days')
    .action(async () => {
      const report = await exceptionReport(await requireSandbox());
      if (json()) {
        console.log(JSON.stringify(report, null, 2));
        return;
      }
      const closed = Object.entries(report.last30Days.closed).filter(([, count]) => count > 0).map(([how, count]) => `${count} ${how.replace(/_/g, ' ')}`);
      console.log(`Open: ${report.open} (review due ${report.reviewDue}, overdue ${report.reviewOverdue}). Last 30 days: ${report.last30Days.granted} granted, closed ${closed.length > 0 ? closed.join(', ') : 'none'}.${report.truncated ? ' (Counts read the latest 1,000 exceptions.)' : ''}`);
      if (report.byTool.length > 0) emit(false, report.byTool, ['tool', 'risk', 'open', 'limit'], () => report.byTool.map((row) => [row.toolName, row.riskLevel, String(row.open), String(row.limit)]));
    });

  program
    .command('jobs')
    .description('List fulfillment jobs (provision, deprovision, check)')
    .option('--status <status>', `only one status (${JOB_STATUSES.join(', ')})`)
    .action(async (options: { status?: string }) => {
      const only = statusOption(options.status, JOB_STATUSES);
      const deps = await requireSandbox();
      const statuses = only ? [only] : JOB_STATUSES;
      const jobs = (await Promise.all(statuses.map((status) => collect(iterateQuery(deps.store, 'job', 'byStatus', { partition: [status], limit: 100 }))))).flat();
      emit(json(), jobs, ['job', 'type', 'status', 'attempts', 'outcome', 'last error', 'task'], () =>
        jobs.map((job) => [job.id, job.type, job.status, String(job.attempts), job.outcome ?? '', job.lastError ? `${job.lastError.kind}/${job.lastError.code}` : '', job.manualTask?.summary ?? '']),
      );
    });

  // `--tail` belongs to `audit` itself, so `audit --help` shows it: `audit --tail 5` and
  // `audit tail --tail 5` both reach it (commander parses a parent's options after a subcommand too).
  const audit = program
    .command('audit')
    .description('The audit chain: its latest events (the default: tail), or verify it')
    .option('--tail <n>', 'how many of the latest events to show, 1 to 100', '20');
  audit
    .command('tail', { isDefault: true })
    .description('Show the latest audit events (how many: --tail <n>, default 20)')
    .action(async () => {
      const count = Number(audit.opts<{ tail: string }>().tail);
      if (!Number.isInteger(count) || count < 1 || count > 100) throw new CliError('--tail takes a number from 1 to 100.', EXIT.usage);
      const deps = await requireSandbox();
      const events: AuditEvent[] = [...(await listAuditEvents(deps, { limit: count })).items].reverse();
      emit(json(), events, ['seq', 'at', 'actor', 'type', 'refs', 'entryHash'], () =>
        events.map((event) => [String(event.seq), isoDay(event.at), event.actor, event.type, Object.values(event.refs).join(' '), `${event.entryHash.slice(0, 16)}…`]),
      );
    });
  audit
    .command('verify')
    .description('Verify the stored chain: hashes, macs, continuity up to its head')
    .action(async () => {
      const result = await verifyAuditLog(await requireSandbox());
      if (json()) console.log(JSON.stringify(result, null, 2));
      else console.log(result.ok ? `Chain verified: ${result.verified} events up to seq ${result.headSeq}.` : `Chain BROKEN at seq ${result.firstBadSeq}: ${result.problem} — ${result.detail ?? ''}`);
      if (!result.ok) process.exitCode = EXIT.failed;
    });
}
