import { readEvidenceSettings, setEvidenceAnchorIssue } from '@clearway/core';
import { requireVisibleIssue } from '../../adapters/jira/evidence-anchor';
import type { ActionTable } from './action';

/** Governance Logs: the evidence issue each export's anchor is recorded on. Jira admins only. */
export const evidenceActions: Pick<ActionTable, 'evidence.settings' | 'evidence.saveSettings'> = {
  'evidence.settings': {
    policy: 'admin',
    async handle({ app }) {
      return readEvidenceSettings(app.deps.store);
    },
  },

  'evidence.saveSettings': {
    policy: 'admin',
    async handle({ app, caller }, payload) {
      const actor = await caller.actor();
      // Checked as the app, which writes the anchors: an issue it cannot see would fail every export.
      if (payload.anchorIssueKey !== null) await requireVisibleIssue(payload.anchorIssueKey);
      return setEvidenceAnchorIssue(app.deps, actor, payload.anchorIssueKey);
    },
  },
};
