import { Box, Button, CodeBlock, Heading, Inline, Link, List, ListItem, LoadingButton, Lozenge, Stack, Text, xcss } from '@forge/react';
import React, { useState } from 'react';
import type { GatewaySetupView, SelfTestCheckView } from '../../resolvers/contract';
import { callClearway, type ClearwayError } from '../clearway-client';
import { formatDateTime, plural } from '../components/format';
import { ErrorNotice, Loaded } from '../components/states';
import { useBusy, useClearway } from '../components/use-clearway';
import { CopyField } from './ai-agents-copy-field';

const CARD = xcss({ borderColor: 'color.border', borderStyle: 'solid', borderWidth: 'border.width', borderRadius: 'radius.medium', padding: 'space.200' });

/** Where the Rovo MCP server's domains are managed (organization admins). */
const ATLASSIAN_ADMINISTRATION = 'https://admin.atlassian.com';

/**
 * "Allow this domain in Rovo": the callback URL goes on the Rovo MCP server's domain list, and
 * Atlassian's own supported domains are turned off so no AI client reaches the site around
 * Clearway. Where the settings are: https://support.atlassian.com/security-and-access-policies/docs/control-atlassian-rovo-mcp-server-settings
 * ("Apps > AI settings > Rovo MCP server", "Add domain", "Allow Atlassian supported domains").
 */
function RovoDomainCard({ setup, onCheck }: { readonly setup: GatewaySetupView; readonly onCheck: () => void }) {
  const allowed = setup.callbackVerifiedAt !== undefined;
  return (
    <Box xcss={CARD} testId="rovo-domain">
      <Stack space="space.150">
        <Inline space="space.100" alignBlock="center" spread="space-between">
          <Heading size="small">Allow this domain in Rovo</Heading>
          <Lozenge appearance={allowed ? 'success' : 'moved'} isBold testId="rovo-domain-status">
            {allowed ? 'Allowed' : 'Action needed'}
          </Lozenge>
        </Inline>
        <Text>
          {allowed
            ? `A sign-in came back through this address on ${formatDateTime(setup.callbackVerifiedAt ?? 0)}: Rovo accepts Clearway's domain.`
            : 'Once, for the whole organization: Atlassian sends people back to Clearway after they sign in only when Rovo lists this address.'}
        </Text>
        <CopyField name="callbackUrl" label="Callback URL" value={setup.callbackUrl} helper="Your MCP server URL with /callback at the end." />
        <List type="ordered">
          <ListItem>Copy the callback URL.</ListItem>
          <ListItem>In Atlassian Administration, go to Apps → AI settings → Rovo MCP server, open Domains → Your domains and select Add domain.</ListItem>
          <ListItem>Paste the callback URL and save. This card turns to Allowed after the first person signs in through Clearway.</ListItem>
          <ListItem>
            Turn off “Allow Atlassian supported domains”. Until you do, an AI client can still connect to Atlassian directly, where your agent policy does not apply and nothing is logged here.
          </ListItem>
        </List>
        <Inline space="space.200" alignBlock="center">
          <Link href={ATLASSIAN_ADMINISTRATION} openNewTab>
            Open Atlassian Administration
          </Link>
          {allowed ? null : <Button onClick={onCheck}>Check again</Button>}
        </Inline>
      </Stack>
    </Box>
  );
}

/**
 * Short steps per AI client; each ends with the person's own Atlassian sign-in. Where each client
 * takes a remote MCP server: Claude's "Add custom connector" (the governance guide), ChatGPT's
 * developer mode and Create (https://developers.openai.com/apps-sdk/deploy/connect-chatgpt),
 * Cursor's `mcpServers` entry with a `url` in mcp.json (https://cursor.com/docs/mcp).
 */
function ConnectClients({ mcpUrl }: { readonly mcpUrl: string }) {
  const cursorConfig = JSON.stringify({ mcpServers: { clearway: { url: mcpUrl } } }, null, 2);
  return (
    <Stack space="space.150">
      <Heading size="small">Connect an AI assistant</Heading>
      <Text>Each person connects their own assistant with the MCP server URL and signs in with Atlassian once: rules naming a group work because each call is tied to the person who signed in.</Text>
      <Text weight="bold">Claude</Text>
      <List type="ordered">
        <ListItem>Settings → Connectors → Add custom connector (custom connectors come with Claude's paid plans).</ListItem>
        <ListItem>Paste the MCP server URL, leave the advanced OAuth fields empty, and select Add.</ListItem>
        <ListItem>Approve the Atlassian sign-in Claude opens.</ListItem>
      </List>
      <Text weight="bold">ChatGPT</Text>
      <List type="ordered">
        <ListItem>Settings → Connectors → Advanced: turn on Developer mode (on business plans a workspace admin may have to allow it first).</ListItem>
        <ListItem>Settings → Connectors → Create: paste the MCP server URL as the connector URL, with OAuth authentication.</ListItem>
        <ListItem>Approve the Atlassian sign-in ChatGPT opens.</ListItem>
      </List>
      <Text weight="bold">Cursor</Text>
      <Text>Add the server to ~/.cursor/mcp.json (or .cursor/mcp.json in a project), then approve the Atlassian sign-in Cursor opens:</Text>
      <CodeBlock text={cursorConfig} language="json" showLineNumbers={false} testId="cursor-config" />
      <Text>To check a connection, ask the assistant something like “Search my open Jira issues”: the call shows up in the Activity Log.</Text>
    </Stack>
  );
}

/** The test call: the host's own metadata, the upstream's authorization server, and Clearway's registration with it. */
function TestCall() {
  const { busy, run } = useBusy();
  const [result, setResult] = useState<{ readonly checks: readonly SelfTestCheckView[] } | { readonly error: ClearwayError }>();
  const test = () =>
    void run(async () => {
      const answer = await callClearway('gateway.selfTest', {});
      setResult(answer.ok ? { checks: answer.data } : { error: answer.error });
    });
  return (
    <Stack space="space.150">
      <Heading size="small">Test call</Heading>
      <Text>Checks that AI clients can discover Clearway's sign-in and that Clearway can reach Atlassian's authorization server.</Text>
      <Inline>
        <LoadingButton isLoading={busy} onClick={test}>
          Run test call
        </LoadingButton>
      </Inline>
      {result && 'error' in result ? <ErrorNotice title="The test call did not run" error={result.error} /> : null}
      {result && 'checks' in result ? (
        <Stack space="space.100" testId="self-test-checks">
          <Text weight="bold">{result.checks.every((check) => check.ok) ? 'Every check passed.' : `${plural(result.checks.filter((check) => !check.ok).length, 'check')} failed.`}</Text>
          {result.checks.map((check) => (
            <Inline key={check.name} space="space.100" alignBlock="start" testId={`self-test-${check.name}`}>
              <Lozenge appearance={check.ok ? 'success' : 'removed'}>{check.ok ? 'passed' : 'failed'}</Lozenge>
              <Text>{`${check.name}: ${check.detail}`}</Text>
            </Inline>
          ))}
        </Stack>
      ) : null}
    </Stack>
  );
}

/** Getting Started: the MCP server URL, the Rovo domain card with its status, how to connect each assistant, and a test call. */
export function GettingStarted() {
  const { state, reload } = useClearway('gateway.setup', {});
  return (
    <Loaded state={state} loading="Loading the gateway's addresses" errorTitle="Clearway could not load the gateway's addresses" onRetry={reload}>
      {(setup) => (
        <Stack space="space.300">
          <Stack space="space.100">
            <Heading size="small">Your MCP server URL</Heading>
            <Text>AI assistants connect to this address instead of Atlassian's MCP server, so each call they make passes your agent policy and is recorded in the Activity Log.</Text>
            <CopyField name="mcpUrl" label="MCP server URL" value={setup.mcpUrl} helper="Generated for your site when Clearway was installed: hand it to each AI assistant." />
          </Stack>
          <RovoDomainCard setup={setup} onCheck={reload} />
          <ConnectClients mcpUrl={setup.mcpUrl} />
          <TestCall />
        </Stack>
      )}
    </Loaded>
  );
}
