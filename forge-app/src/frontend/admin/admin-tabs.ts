/** The admin page's tabs, in order; the Overview's cards open the one that completes a setup step. */
export const ADMIN_TABS = ['overview', 'intake', 'catalog', 'connectors', 'governance', 'workLinked', 'requests', 'insights', 'logs', 'agents'] as const;
export type AdminTab = (typeof ADMIN_TABS)[number];

export const ADMIN_TAB_TITLES: Readonly<Record<AdminTab, string>> = {
  overview: 'Overview',
  intake: 'Intake & Approvals',
  catalog: 'Catalog',
  connectors: 'Connectors',
  governance: 'Governance',
  workLinked: 'Work-linked access',
  requests: 'Requests',
  insights: 'Insights',
  logs: 'Governance Logs',
  agents: 'AI agents',
};

/** The AI agents group: what AI assistants may do in the site through Clearway's MCP gateway, and what they did. */
export const AGENT_TABS = ['gettingStarted', 'policy', 'activity', 'dashboard'] as const;
export type AgentTab = (typeof AGENT_TABS)[number];

export const AGENT_TAB_TITLES: Readonly<Record<AgentTab, string>> = {
  gettingStarted: 'Getting Started',
  policy: 'Agent Policy',
  activity: 'Activity Log',
  dashboard: 'Dashboard',
};
