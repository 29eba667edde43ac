import { DASHBOARD_RANGES, currentAgentPolicy, explainAgentCall, gatewayDashboard, listActivity, type ActivityFilter, type DashboardRange } from '@clearway/core';
import type { Command } from 'commander';
import { paths } from '../paths.js';
import { sandboxPerson } from '../gateway/directory.js';
import { PEOPLE, STAFF, sandboxSeed } from '../simulator-seed.js';
import { CliError, EXIT, emit, isoDay } from './output.js';
import { requireSandbox } from './sandbox-data.js';

const PERSON_KEYS = Object.keys(PEOPLE) as Array<keyof typeof PEOPLE>;

function personOption(value: string): string {
  const key = value.toLowerCase();
  if (key in PEOPLE) return PEOPLE[key as keyof typeof PEOPLE].accountId;
  if (key === 'admin') return STAFF.admin.accountId;
  if (sandboxPerson(value)) return value;
  throw new CliError(`--as takes a sandbox person (${PERSON_KEYS.join(', ')}) or their account id.`, EXIT.usage);
}

function headerOption(value: string, previous: Record<string, string> = {}): Record<string, string> {
  const at = value.indexOf(':');
  if (at <= 0) throw new CliError('--upstream-header takes "Name: value".', EXIT.usage);
  return { ...previous, [value.slice(0, at).trim().toLowerCase()]: value.slice(at + 1).trim() };
}

/** `gateway`: the AI-agent gateway over the sandbox: serve it, read its activity log, explain the policy, print the dashboard. */
export function registerGatewayCommands(program: Command, json: () => boolean): void {
  const gateway = program.command('gateway').description("The AI-agent gateway: an MCP URL AI clients use instead of the site's, its activity log, policy and dashboard");

  gateway
    .command('serve')
    .description('Serve the gateway and its sign-in on loopback until Ctrl-C (over the sandbox store and its agent policy); signs one person in through the OAuth flow and prints the MCP URL and their token')
    .option('--as <person>', `who signs in with the simulated Atlassian site (${PERSON_KEYS.join(', ')})`, 'chen')
    .option('--client <name>', "the AI client's registered name (what rules naming a client match)", 'claude')
    .option('--port <port>', 'port to listen on (default: any free port)')
    .option('--upstream <url>', "an MCP server's URL to forward calls to (default: the simulated Atlassian site's, where people sign in)")
    .option('--upstream-header <header>', 'a header for the upstream, "Name: value" (repeatable)', headerOption)
    .action(async (options: { as: string; client: string; port?: string; upstream?: string; upstreamHeader?: Record<string, string> }) => {
      const accountId = personOption(options.as);
      const port = options.port === undefined ? 0 : Number(options.port);
      if (!Number.isInteger(port) || port < 0 || port > 65_535) throw new CliError('--port takes a port number.', EXIT.usage);
      if (options.upstream !== undefined && !URL.canParse(options.upstream)) throw new CliError('--upstream takes a URL, such as http://127.0.0.1:3001/mcp.', EXIT.usage);
      const deps = await requireSandbox();
      // Loaded here: the MCP SDK and the simulator are for this command only.
      const { fixedUpstream, simulatorMcpUrl, startSandboxGateway } = await import('../gateway/host.js');
      const { SimulatedAiClient, signedInToken } = await import('@clearway/idp-simulator');
      const { fileSignInStore } = await import('../gateway/sign-in-store.js');
      const { IdpSimulator, ensureCertificate } = await import('@clearway/idp-simulator');
      const simulator = await IdpSimulator.start({ seed: sandboxSeed(), tls: await ensureCertificate(paths.certificate) });
      const served = await startSandboxGateway(deps, simulator, fileSignInStore(paths.gatewaySignIn), {
        port,
        ...(options.upstream !== undefined && { forward: fixedUpstream(options.upstream, options.upstreamHeader) }),
      });
      // The simulated Atlassian sign-in's browser session: whoever signs in here (this command, or any MCP client's OAuth flow) is this person.
      simulator.atlassian!.signInAs(accountId);
      const token = await signedInToken(served.mcpUrl, new SimulatedAiClient(options.client));
      const upstreamUrl = options.upstream ?? `${simulatorMcpUrl(simulator)} (the simulated Atlassian site, cloudId ${simulator.atlassian?.cloudId ?? ''})`;
      // Listening before the URL is printed: whoever reads it may stop this at once. `on`, not `once`: Ctrl-C
      // reaches this process twice (from the terminal and forwarded by the launcher), and a second signal
      // must not cut the shutdown short.
      const stopped = new Promise<void>((resolve) => {
        process.on('SIGINT', () => resolve());
        process.on('SIGTERM', () => resolve());
      });
      const out = { url: served.mcpUrl.href, baseUrl: served.baseUrl, callbackUrl: `${served.baseUrl}/callback`, token, accountId, client: options.client, upstream: upstreamUrl, signIn: simulatorMcpUrl(simulator) };
      if (json()) console.log(JSON.stringify(out, null, 2));
      else {
        console.log(
          [
            `Clearway AI-agent gateway on ${served.mcpUrl.href} (Ctrl-C to stop)`,
            `  sign-in       OAuth: Clearway's metadata at ${served.baseUrl}/.well-known/oauth-protected-resource, Atlassian sign-in at ${simulator.url} as ${accountId}`,
            `  Rovo callback ${served.baseUrl}/callback`,
            `  signed in     ${accountId}, AI client "${options.client}" (through the same OAuth flow)`,
            `  token         ${token}`,
            `  upstream      ${upstreamUrl}`,
            '',
            'Point an MCP client at it: one with OAuth signs in by itself; or, with the token above, the MCP Inspector in CLI mode:',
            `  mcp-inspector-cli ${served.mcpUrl.href} --transport http --header "Authorization: Bearer ${token}" --method tools/list`,
            'Then: pnpm clearway gateway log, pnpm clearway gateway dashboard',
          ].join('\n'),
        );
      }
      await stopped;
      await served.close();
      await simulator.stop();
      deps.store.close();
    });

  gateway
    .command('log')
    .description('The activity log, newest first: one row per call, allowed or blocked')
    .option('--tail <n>', 'how many calls', '20')
    .option('--user <accountId>', 'one user')
    .option('--decision <decision>', 'allowed or blocked')
    .option('--operation <name>', 'one operation (tool name, resource:<uri>, prompt:<name>)')
    .option('--client <name>', 'one AI client')
    .option('--search <text>', 'text in the user, the operation or the arguments')
    .action(async (options: { tail: string; user?: string; decision?: string; operation?: string; client?: string; search?: string }) => {
      const tail = Number(options.tail);
      if (!Number.isInteger(tail) || tail < 1 || tail > 100) throw new CliError('--tail takes a number from 1 to 100.', EXIT.usage);
      if (options.decision !== undefined && options.decision !== 'allowed' && options.decision !== 'blocked') throw new CliError('--decision takes allowed or blocked.', EXIT.usage);
      const filter: ActivityFilter = {
        ...(options.user !== undefined && { user: options.user }),
        ...(options.decision !== undefined && { decision: options.decision }),
        ...(options.operation !== undefined && { operation: options.operation }),
        ...(options.client !== undefined && { client: options.client }),
        ...(options.search !== undefined && { text: options.search }),
      };
      const page = await listActivity(await requireSandbox(), { ...filter, limit: tail });
      emit(json(), page.items, ['seq', 'time', 'user', 'client', 'operation', 'decision', 'by', 'upstream', 'response', 'latency'], () =>
        page.items.map(({ seq, at, data }) => [
          String(seq),
          isoDay(at),
          data.name ?? (data.accountId || '(no caller)'),
          data.client,
          data.operation,
          data.decision,
          data.ruleIndex === undefined ? data.basis : `rule ${data.ruleIndex + 1}`,
          data.upstreamStatus,
          `${data.responseBytes} B`,
          `${data.latencyMs} ms`,
        ]),
      );
    });

  const policy = gateway.command('policy').description('The agent policy in force');
  policy
    .command('show', { isDefault: true })
    .description('The agent policy in force: default decision, rules in order, client links')
    .action(async () => {
      const current = await currentAgentPolicy((await requireSandbox()).store);
      if (json()) {
        console.log(JSON.stringify(current, null, 2));
        return;
      }
      const { rules } = current;
      console.log(`agent policy v${current.policyVersion}: default ${rules.defaultEffect}${rules.defaultRequiresGrant ? ' (with an active grant for the client’s tool)' : ''}`);
      emit(false, rules.rules, ['#', 'client', 'group', 'operation', 'effect', 'needs grant', 'note'], () =>
        rules.rules.map((rule, index) => [String(index + 1), rule.client, rule.group ?? 'any user', rule.operation, rule.effect, rule.requireGrant ? 'yes' : '', rule.note ?? '']),
      );
      console.log(`clients: ${rules.clients.map((link) => `${link.name} → ${link.toolId}`).join(', ') || '(none linked)'}`);
    });
  policy
    .command('explain')
    .description('Which rule of the policy in force decides a call, and why')
    .requiredOption('--client <name>', "the AI client's registered name")
    .requiredOption('--operation <name>', 'the tool name (or resource:<uri>, prompt:<name>)')
    .option('--group <group>', "one of the caller's groups (repeatable)", (value: string, previous: string[] = []) => [...previous, value])
    .option('--account <accountId>', 'check the grant condition for this account too')
    .action(async (options: { client: string; operation: string; group?: string[]; account?: string }) => {
      const person = options.account === undefined ? undefined : sandboxPerson(options.account);
      const explained = await explainAgentCall(await requireSandbox(), {
        client: options.client,
        groups: options.group ?? [],
        operation: options.operation,
        ...(options.account !== undefined && { accountId: options.account }),
        ...(person && { name: person.name }),
      });
      if (json()) {
        console.log(JSON.stringify(explained, null, 2));
        return;
      }
      const lines = [`${explained.effect === 'deny' ? 'DENY' : 'ALLOW'}  by ${explained.decidedBy} of agent policy v${explained.policyVersion}`];
      if (explained.rule?.note) lines.push(`  note: ${explained.rule.note}`);
      if (explained.requiresGrant) lines.push(`  only with an active Clearway grant for ${explained.toolId ?? 'the client’s catalog tool (none linked)'}`);
      if (explained.decision) lines.push(`  for ${options.account}: ${explained.decision.reason}`);
      console.log(lines.join('\n'));
    });

  gateway
    .command('dashboard')
    .description('Calls, allowed, blocked, block rate, top operations and users, allowed vs blocked per day')
    .option('--range <range>', `${Object.keys(DASHBOARD_RANGES).join(', ')}`, '7d')
    .action(async (options: { range: string }) => {
      if (!(options.range in DASHBOARD_RANGES)) throw new CliError(`--range takes ${Object.keys(DASHBOARD_RANGES).join(', ')}.`, EXIT.usage);
      const figures = await gatewayDashboard(await requireSandbox(), options.range as DashboardRange);
      if (json()) {
        console.log(JSON.stringify(figures, null, 2));
        return;
      }
      console.log(`${options.range}: ${figures.calls} calls, ${figures.allowed} allowed, ${figures.blocked} blocked (block rate ${Math.round(figures.blockRate * 1000) / 10} %), ${figures.invalid} refused before evaluation, average latency ${Math.round(figures.averageLatencyMs * 10) / 10} ms`);
      emit(false, figures.topOperations, ['top operations', 'calls', 'allowed', 'blocked'], () => figures.topOperations.map((row) => [row.operation, String(row.calls), String(row.allowed), String(row.blocked)]));
      emit(false, figures.topUsers, ['top users', 'calls', 'blocked'], () => figures.topUsers.map((row) => [row.name || row.accountId, String(row.calls), String(row.blocked)]));
      emit(false, figures.perDay, ['day', 'allowed', 'blocked'], () => figures.perDay.map((row) => [row.day, String(row.allowed), String(row.blocked)]));
    });
}
