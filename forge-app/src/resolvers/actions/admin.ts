import { describeConnectorForm } from '@clearway/connector-sdk';
import {
  anchorEvidenceExport,
  createConnector,
  connectorUsage,
  currentGovernance,
  DAY_MS,
  deleteConnector,
  exportEvidence,
  listAuditEvents,
  listConnectorIdentities,
  listConnectors,
  listGovernanceVersions,
  listGrants,
  listRequests,
  listTools,
  MANUAL_CONNECTOR_ID,
  MAX_PAGE_SIZE,
  readInsights,
  readLiveInsights,
  readMonthlyInsights,
  readPeopleInsights,
  saveTool,
  SEED_TOOLS,
  seedCatalog,
  setConnectorEnabled,
  setIdentityMapping,
  getConnector,
  testConnector,
  updateConnector,
  updateGovernance,
  verifyAuditLog,
  type ConnectorRecord,
  type DailyInsights,
  type ProviderRegistry,
} from '@clearway/core';
import { egressRefusal, undeclaredHosts } from '../../adapters/egress/backend-egress';
import { listIntakeProblems } from '../../intake/intake-problems';
import { jiraEvidenceAnchorWriter } from '../../adapters/jira/evidence-anchor';
import { AppError } from '../errors';
import { approversReadiness, requestableTools } from '../readiness';
import { catalogToolViews, grantSummaries, requestSummaries, type ConnectorView } from '../views';
import type { ActionTable } from './action';

/**
 * An export answer carries the whole pack; past this size the UI could not receive it (the
 * platform's invoke payload limit is about 500 KB), so a shorter range is asked for instead.
 */
export const MAX_EXPORT_BYTES = 450 * 1024;

/**
 * The most events one export can carry, reserved from the audit-read volume before it runs: every
 * line holds three SHA-256 digests in hex (prevHash, entryHash, entryMac) and a line break.
 */
export const EXPORT_MAX_EVENTS = Math.floor(MAX_EXPORT_BYTES / (3 * 64 + 1));

function connectorView(record: ConnectorRecord, providers: ProviderRegistry): ConnectorView {
  const provider = providers.get(record.providerType);
  return { ...record, ...(provider && { providerName: provider.displayName }) };
}

/** Counts what one indexed page holds (≤ 100), and whether more follow: the Overview shows "100+". */
function countOf(page: { items: readonly unknown[]; nextCursor?: string }): { count: number; more: boolean } {
  return { count: page.items.length, more: page.nextCursor !== undefined && page.items.length === 100 };
}

/** The admin page: Overview, Catalog, Connectors, Governance, Requests, Insights, Governance Logs. Jira admins only. */
export const adminActions: Pick<
  ActionTable,
  | 'admin.overview'
  | 'intake.problems'
  | 'catalog.list'
  | 'catalog.save'
  | 'catalog.seedTools'
  | 'catalog.seed'
  | 'connectors.list'
  | 'connectors.providers'
  | 'connectors.create'
  | 'connectors.update'
  | 'connectors.setEnabled'
  | 'connectors.delete'
  | 'connectors.usage'
  | 'connectors.test'
  | 'connectors.mapIdentity'
  | 'connectors.identities'
  | 'lookup.serviceDesks'
  | 'lookup.requestTypes'
  | 'lookup.issueTypes'
  | 'lookup.people'
  | 'lookup.groups'
  | 'governance.current'
  | 'governance.versions'
  | 'governance.update'
  | 'requests.all'
  | 'grants.all'
  | 'insights.daily'
  | 'insights.monthly'
  | 'audit.events'
  | 'audit.verify'
  | 'evidence.export'
> = {
  'admin.overview': {
    policy: 'admin',
    async handle({ app }) {
      const { store } = app.deps;
      const [governance, approved, connectors, pending, failed] = await Promise.all([
        currentGovernance(store),
        store.query('tool', 'byStatus', { partition: ['approved'], limit: 100 }),
        store.query('connector', 'byName', { partition: [], limit: 100 }),
        store.query('request', 'byStatus', { partition: ['pending'], limit: 100 }),
        store.query('job', 'byStatus', { partition: ['failed'], limit: 100 }),
      ]);
      const { intake } = governance.rules;
      const configured = connectors.items.filter((connector) => connector.id !== MANUAL_CONNECTOR_ID);
      const approvedCount = countOf(approved);
      const requestable = requestableTools(approved.items, connectors.items);
      const approvers = approversReadiness(governance.rules, intake.projectKey, approved.items);
      return {
        governanceVersion: governance.policyVersion,
        intake: {
          requestTypeIds: intake.requestTypeIds,
          ...(intake.projectKey !== undefined && { projectKey: intake.projectKey }),
          ...(intake.portalId !== undefined && { portalId: intake.portalId }),
          ...(intake.recertIssueTypeId !== undefined && { recertIssueTypeId: intake.recertIssueTypeId }),
        },
        catalog: { approvedTools: approvedCount.count, moreApproved: approvedCount.more },
        // Counted as the Connectors tab lists them: the built-in manual connector included.
        connectors: { configured: connectors.items.length, enabled: connectors.items.filter((connector) => connector.enabled).length },
        pendingRequests: countOf(pending),
        failedFulfillments: countOf(failed),
        readiness: [
          { step: 'governance', done: governance.policyVersion > 0 },
          { step: 'intake_project', done: intake.projectKey !== undefined },
          { step: 'portal', done: intake.portalId !== undefined },
          {
            step: 'catalog',
            done: requestable.length > 0,
            ...(approvedCount.count > 0 && requestable.length === 0 && { detail: 'Every approved tool is bound to a disabled or missing connector, so none can be requested: enable its connector or bind the tools to another.' }),
          },
          { step: 'approvers', ...approvers },
          // Connected mode is optional: manual fulfillment works without any connector.
          { step: 'connectors', done: configured.some((connector) => connector.enabled) },
        ],
      };
    },
  },

  'intake.problems': {
    policy: 'admin',
    async handle({ app }) {
      return listIntakeProblems(app);
    },
  },

  'catalog.list': {
    policy: 'admin',
    async handle({ app }, payload) {
      const [page, { rules }] = await Promise.all([listTools(app.deps, payload), currentGovernance(app.deps.store)]);
      return { ...page, items: catalogToolViews(page.items, rules) };
    },
  },

  'catalog.save': {
    policy: 'admin',
    async handle({ app, caller }, payload) {
      return saveTool(app.deps, await caller.actor(), payload);
    },
  },

  'catalog.seedTools': {
    policy: 'admin',
    async handle({ app }) {
      const existing = await Promise.all(SEED_TOOLS.map((seed) => app.deps.store.get('tool', seed.id)));
      return SEED_TOOLS.map((seed, index) => ({ ...seed, inCatalog: existing[index] !== undefined }));
    },
  },

  'catalog.seed': {
    policy: 'admin',
    async handle({ app, caller }, payload) {
      return seedCatalog(app.deps, await caller.actor(), payload.toolIds === undefined ? {} : { toolIds: payload.toolIds });
    },
  },

  'connectors.list': {
    policy: 'admin',
    async handle({ app }, payload) {
      const page = await listConnectors(app.deps, payload);
      return { ...page, items: page.items.map((record) => connectorView(record, app.providers)) };
    },
  },

  'connectors.providers': {
    policy: 'admin',
    async handle({ app }) {
      return app.providers.list().map((provider) => describeConnectorForm(provider));
    },
  },

  'connectors.create': {
    policy: 'admin',
    async handle({ app, caller }, payload) {
      return connectorView(await createConnector(app.connectorDeps, await caller.actor(), payload), app.providers);
    },
  },

  'connectors.update': {
    policy: 'admin',
    async handle({ app, caller }, { connectorId, ...update }) {
      return connectorView(await updateConnector(app.connectorDeps, await caller.actor(), connectorId, update), app.providers);
    },
  },

  'connectors.setEnabled': {
    policy: 'admin',
    async handle({ app, caller }, payload) {
      return connectorView(await setConnectorEnabled(app.deps, await caller.actor(), payload.connectorId, payload.enabled), app.providers);
    },
  },

  'connectors.usage': {
    policy: 'admin',
    async handle({ app }, payload) {
      await getConnector(app.deps, payload.connectorId);
      return connectorUsage(app.deps, payload.connectorId);
    },
  },

  'connectors.delete': {
    policy: 'admin',
    async handle({ app, caller }, payload) {
      await deleteConnector(app.deps, await caller.actor(), payload.connectorId);
      return { deleted: payload.connectorId };
    },
  },

  'connectors.test': {
    policy: 'admin',
    rateLimit: [{ budget: 'connectionTests' }],
    async handle({ app, caller }, payload) {
      const actor = await caller.actor();
      // Forge answers a fetch to an undeclared host with a bare 403: say what to fix instead.
      const blocked = undeclaredHosts((await getConnector(app.deps, payload.connectorId)).settings);
      if (blocked.length > 0) return egressRefusal(blocked);
      return testConnector(app.connectorDeps, actor, payload.connectorId, { ...(payload.groupId !== undefined && { groupId: payload.groupId }), timeoutMs: 15_000 });
    },
  },

  'connectors.mapIdentity': {
    policy: 'admin',
    async handle({ app, caller }, payload) {
      return { mapping: (await setIdentityMapping(app.deps, await caller.actor(), payload)) ?? null };
    },
  },

  'connectors.identities': {
    policy: 'admin',
    async handle({ app }, { connectorId, ...page }) {
      return listConnectorIdentities(app.deps, connectorId, page);
    },
  },

  'lookup.serviceDesks': {
    policy: 'admin',
    async handle({ app }) {
      return app.lookup.serviceDesks();
    },
  },

  'lookup.requestTypes': {
    policy: 'admin',
    async handle({ app }, payload) {
      return app.lookup.requestTypes(payload.serviceDeskId);
    },
  },

  'lookup.issueTypes': {
    policy: 'admin',
    async handle({ app }, payload) {
      return app.lookup.issueTypes(payload.projectKey);
    },
  },

  'lookup.people': {
    policy: 'admin',
    async handle({ app }, payload) {
      return app.lookup.people(payload.query);
    },
  },

  'lookup.groups': {
    policy: 'admin',
    async handle({ app }, payload) {
      return app.lookup.groups(payload.query);
    },
  },

  'governance.current': {
    policy: 'admin',
    async handle({ app }) {
      return currentGovernance(app.deps.store);
    },
  },

  'governance.versions': {
    policy: 'admin',
    async handle({ app }, payload) {
      return listGovernanceVersions(app.deps, payload);
    },
  },

  'governance.update': {
    policy: 'admin',
    async handle({ app, caller }, payload) {
      return updateGovernance(app.deps, await caller.actor(), { rules: payload.rules, ...(payload.note !== undefined && { note: payload.note }) });
    },
  },

  'requests.all': {
    policy: 'admin',
    async handle({ app }, payload) {
      const page = await listRequests(app.deps, payload);
      return { ...page, items: await requestSummaries(app.deps.store, page.items) };
    },
  },

  'grants.all': {
    policy: 'admin',
    async handle({ app }, payload) {
      const page = await listGrants(app.deps, payload);
      return { ...page, items: await grantSummaries(app.deps.store, page.items, app.deps.clock.now()) };
    },
  },

  'insights.daily': {
    policy: 'admin',
    async handle({ app }, payload) {
      const now = app.deps.clock.now();
      const days = Array.from({ length: payload.days ?? 7 }, (_, back) => new Date(now - back * DAY_MS).toISOString().slice(0, 10));
      // The rollups say how each day ended; what is true now (and who did what) is read live.
      const [rollups, live, people] = await Promise.all([
        Promise.all(days.map((day) => readInsights(app.deps, day))),
        readLiveInsights(app.deps),
        readPeopleInsights(app.deps, { days: days.length }),
      ]);
      return { rollups: rollups.filter((rollup): rollup is DailyInsights => rollup !== undefined), live, people };
    },
  },

  'insights.monthly': {
    policy: 'admin',
    async handle({ app }) {
      return readMonthlyInsights(app.deps);
    },
  },

  'audit.events': {
    policy: 'admin',
    // A page reads the same events as an export: it draws on the export's volume, reserving its page size.
    rateLimit: [{ budget: 'auditReads', reserve: (payload) => payload.limit ?? MAX_PAGE_SIZE, settle: (page) => page.items.length }],
    async handle({ app }, payload) {
      return listAuditEvents(app.deps, payload);
    },
  },

  'audit.verify': {
    policy: 'admin',
    rateLimit: [{ budget: 'auditVerifications' }],
    async handle({ app }) {
      return verifyAuditLog(app.deps);
    },
  },

  'evidence.export': {
    policy: 'admin',
    rateLimit: [{ budget: 'evidenceExports' }, { budget: 'auditReads', reserve: () => EXPORT_MAX_EVENTS, settle: (pack) => pack.manifest.count }],
    async handle({ app, caller }, payload) {
      const actor = await caller.actor();
      const lines: string[] = [];
      let bytes = 0;
      const collect = (line: string) => {
        bytes += Buffer.byteLength(line) + 1;
        // Thrown from inside the export, before core records it: a refused export leaves no trace.
        if (bytes > MAX_EXPORT_BYTES) {
          throw new AppError('export_too_large', 'This range holds more evidence than one download can carry; export a shorter range (for example a month at a time).');
        }
        lines.push(line);
      };
      const range = { ...(payload.from !== undefined && { from: payload.from }), ...(payload.to !== undefined && { to: payload.to }) };
      const manifest = await exportEvidence(app.deps, actor, range, payload.format === 'jsonl' ? { jsonl: collect } : { csv: collect });
      // Outside Clearway's storage; a failure to record it leaves the export whole, and the answer says so.
      const anchor = await anchorEvidenceExport(app.deps, actor, manifest, jiraEvidenceAnchorWriter());
      const day = (at: number) => new Date(at).toISOString().slice(0, 10);
      return {
        format: payload.format,
        fileName: `clearway-evidence-${day(manifest.range.from)}-to-${day(manifest.range.to)}.${payload.format}`,
        content: `${lines.join('\n')}\n`,
        manifest,
        anchor,
      };
    },
  },
};
