/**
 * The Forge entry: every function handler manifest.yml names (`handler: index.<name>`). Nothing
 * is built at load time; the app (container, adapters, providers) is created on first use and
 * kept for the life of a warm process.
 */
import 'reflect-metadata';
import { lazyApp } from './composition/app';
import { makeQueueConsumer } from './queue/queue-consumer';
import { makeSurfaceResolver } from './resolvers/define';
import { makeFulfillmentTick } from './triggers/fulfillment-tick';
import { makeGatewayWebTrigger } from './triggers/gateway-web-trigger';
import { makeIssueCreatedTrigger } from './triggers/issue-created';
import { makeLifecycleSweeps } from './triggers/lifecycle-sweeps';
import { makeWorkEventsTrigger } from './triggers/work-events';

const app = lazyApp();

/** Resolvers of jira:globalPage (My Access, Approved Tools, Request History, Approvals). */
export const globalPageResolver = makeSurfaceResolver('globalPage', app);
/** Resolvers of jira:adminPage (Overview, Intake & Approvals, Catalog, Connectors, Governance, Requests, Insights, Governance Logs). */
export const adminPageResolver = makeSurfaceResolver('adminPage', app);
/** Resolvers of the portal create panel and request detail. */
export const portalResolver = makeSurfaceResolver('portal', app);
/** avi:jira:created:issue: portal intake. */
export const issueCreated = makeIssueCreatedTrigger(app);
/** avi:jira:created|updated|assigned|deleted:issue: work-linked access follows the issue (manifest filter: only changes that can matter). */
export const workEvents = makeWorkEventsTrigger(app);
/** Every five minutes: the fulfillment engine catches anything the queue missed. */
export const fulfillmentTick = makeFulfillmentTick(app);
/** Hourly: work-linked access against Jira, expiry, recertification, escalation, stale requests, drift, retention, insights. */
export const lifecycleSweeps = makeLifecycleSweeps(app);
/** The clearway-fulfillment queue: immediate and delayed fulfillment runs, intake retries. */
export const fulfillmentConsumer = makeQueueConsumer(app);
/** The clearway-gateway web trigger: the AI-agent gateway's MCP endpoint and its OAuth sign-in, under the trigger's URL. */
export const gatewayWebTrigger = makeGatewayWebTrigger(app);
