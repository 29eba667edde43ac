import React, { useState } from 'react';
import { PageTabs } from '../components/page-tabs';
import { AGENT_TAB_TITLES, AGENT_TABS, type AgentTab } from './admin-tabs';
import { AgentActivityLog } from './ai-agents-activity';
import { AgentDashboard } from './ai-agents-dashboard';
import { GettingStarted } from './ai-agents-getting-started';
import { AgentPolicyPanel } from './ai-agents-policy';

const CONTENT: Readonly<Record<AgentTab, () => React.JSX.Element>> = {
  gettingStarted: GettingStarted,
  policy: AgentPolicyPanel,
  activity: AgentActivityLog,
  dashboard: AgentDashboard,
};

/**
 * The AI agents group: connecting AI assistants through Clearway's MCP gateway, the agent policy
 * that decides what they may do, the log of what they did, and the figures. Only the open
 * section reads its data.
 */
export function AiAgentsTab() {
  const [selected, setSelected] = useState(0);
  return (
    <PageTabs
      id="clearway-ai-agents"
      tabs={AGENT_TABS}
      title={(tab) => AGENT_TAB_TITLES[tab]}
      content={(tab) => {
        const Content = CONTENT[tab];
        return <Content />;
      }}
      selected={selected}
      onSelect={setSelected}
    />
  );
}
