/**
 * The hosts Forge lets Clearway's functions fetch: manifest.yml's
 * `permissions.external.fetch.backend`, repeated here because a Forge function cannot read its
 * own manifest (a test keeps the two equal). Forge refuses anything else — a blocked fetch comes
 * back as a 403, not an error — so a connector pointed at an undeclared host (an Okta org on a
 * custom domain) is told so before anything is sent.
 *
 * Matching is Atlassian's own: `@forge/egress`' EgressFilteringService, the allow-list matcher
 * Forge's tooling ships (a wildcard covers subdomains, never the parent domain itself).
 */
import { EgressFilteringService } from '@forge/egress';
import type { ConnectionTestResult } from '@clearway/connector-sdk';
import { GATEWAY_EGRESS } from './gateway-egress';

export const BACKEND_EGRESS = [
  // Okta orgs (https://developer.okta.com/docs/concepts/okta-organizations/): production, preview, EMEA and US government cells.
  '*.okta.com',
  'okta.com',
  '*.oktapreview.com',
  'oktapreview.com',
  '*.okta-emea.com',
  'okta-emea.com',
  '*.okta-gov.com',
  'okta-gov.com',
  // Microsoft Graph and Entra sign-in.
  'graph.microsoft.com',
  'login.microsoftonline.com',
  // The AI-agent gateway: Atlassian's remote MCP server and its authorization servers.
  ...GATEWAY_EGRESS,
] as const;

const filter = new EgressFilteringService([...BACKEND_EGRESS]);

function parseWebAddress(value: string): URL | undefined {
  if (!/^https?:\/\//i.test(value)) return undefined;
  try {
    return new URL(value);
  } catch {
    return undefined;
  }
}

/** The hosts of a connector's URL settings (Okta `orgUrl`, Entra `graphBaseUrl` / `authorityHost`, …) that Forge would refuse. */
export function undeclaredHosts(settings: Readonly<Record<string, unknown>>): string[] {
  const hosts = Object.values(settings).flatMap((value) => {
    const url = typeof value === 'string' ? parseWebAddress(value.trim()) : undefined;
    return url && !filter.isValidUrl(url.origin) ? [url.host] : [];
  });
  return [...new Set(hosts)];
}

/** "Test connection" for a connector whose hosts the app may not reach: one failed check that says how to fix it. */
export function egressRefusal(hosts: readonly string[]): ConnectionTestResult {
  const list = hosts.join(', ');
  return {
    ok: false,
    checks: [
      {
        name: 'Forge allows the connection',
        passed: false,
        message: `This Clearway installation may not connect to ${list}: Forge apps reach only the hosts their manifest declares. Add ${hosts.length === 1 ? 'it' : 'them'} under permissions.external.fetch.backend in manifest.yml, deploy, and upgrade the installation (see the Forge app README, "Egress"). Nothing was sent.`,
      },
    ],
  };
}
