/** The admin page's tabs, in order; the Overview's cards open the one that completes a setup step. */
export const ADMIN_TABS = ['overview', 'intake', 'catalog', 'connectors', 'governance', 'requests', 'insights', 'logs'] as const;
export type AdminTab = (typeof ADMIN_TABS)[number];

export const ADMIN_TAB_TITLES: Readonly<Record<AdminTab, string>> = {
  overview: 'Overview',
  intake: 'Intake & Approvals',
  catalog: 'Catalog',
  connectors: 'Connectors',
  governance: 'Governance',
  requests: 'Requests',
  insights: 'Insights',
  logs: 'Governance Logs',
};
