import type { AuditEvent } from '@clearway/core';
import { describe, expect, it } from 'vitest';
import { describeEvent } from './timeline.js';

const event = (type: string, data: Record<string, unknown>, issueKey?: string): AuditEvent =>
  ({ seq: 1, at: 0, actor: 'acc-admin', type, refs: issueKey === undefined ? {} : { issueKey }, data }) as unknown as AuditEvent;
const names = (accountId: string) => (accountId === 'acc-admin' ? 'Ada' : accountId);

describe('the timeline says the evidence and intake events in words', () => {
  it('names the evidence issue, the anchor and why one was not recorded', () => {
    expect(describeEvent(event('evidence.settings_updated', { anchorIssueKey: 'AIR-90', previousAnchorIssueKey: null }), names)).toBe('Ada set AIR-90 as the evidence issue');
    expect(describeEvent(event('evidence.settings_updated', { anchorIssueKey: null, previousAnchorIssueKey: 'AIR-90' }), names)).toBe('Ada stopped recording evidence anchors');
    expect(describeEvent(event('evidence.anchored', { propertyKey: 'clearway-evidence-x', chainHeadSeq: 41 }, 'AIR-90'), names)).toBe('evidence anchor recorded on AIR-90 as clearway-evidence-x (chain head seq 41)');
    expect(describeEvent(event('evidence.anchor_failed', { reason: 'Jira refused it (403)' }, 'AIR-90'), names)).toBe('evidence anchor NOT recorded on AIR-90: Jira refused it (403)');
  });

  it('says a request could not be taken in, and how often it was tried', () => {
    expect(describeEvent(event('request.intake_failed', { kind: 'refused', code: 'validation_failed', attempts: 1 }, 'AIR-7'), names)).toBe('request could not be taken in (refused, validation_failed, after 1 attempt(s)) [AIR-7]');
  });

  it('says what an exception went past, when its review is due, how it was reviewed and how it closed', () => {
    const at = Date.parse('2027-01-29T00:00:00Z');
    expect(describeEvent(event('exception.granted', { kinds: ['duration', 'blocked_tool'], grantedDays: 75, allowedDays: 45, reason: 'Quarter-long pilot' }, 'AIR-9'), names)).toBe(
      'Ada approved an EXCEPTION (75 days where 45 are allowed and a tool the catalog blocks): Quarter-long pilot [AIR-9]',
    );
    expect(describeEvent(event('exception.review_due', { nextReviewAt: at, lapsesAt: at + 3 * 86_400_000, reviewIssue: 'AIR-12' }, 'AIR-12'), names)).toBe('exception review due; it lapses 2027-02-01 unless reviewed (review issue AIR-12) [AIR-12]');
    expect(describeEvent(event('exception.reviewed', { outcome: 'kept', note: 'on track', nextReviewAt: at }, 'AIR-9'), names)).toBe('Ada reviewed the exception: kept, next review 2027-01-29 — on track [AIR-9]');
    expect(describeEvent(event('exception.reviewed', { outcome: 'ended', note: 'done early' }, 'AIR-9'), names)).toBe('Ada reviewed the exception: ended it — done early [AIR-9]');
    expect(describeEvent(event('exception.closed', { how: 'ended_by_review', reviews: 1 }, 'AIR-9'), names)).toBe('exception closed: ended by review [AIR-9]');
  });
});

describe('the timeline says the gateway’s events in words', () => {
  it('says who connected and disconnected which AI client, and whether Atlassian confirmed the revocation', () => {
    expect(describeEvent(event('gateway.connected', { connectionId: 'conn_1', accountId: 'acc-admin', client: 'claude' }), names)).toBe('Ada connected claude to the AI-agent gateway (signed in with Atlassian)');
    expect(describeEvent(event('gateway.disconnected', { connectionId: 'conn_1', accountId: 'acc-admin', client: 'claude', by: 'user', upstreamRevoked: true }), names)).toBe(
      'Ada disconnected claude from the AI-agent gateway (Atlassian tokens revoked)',
    );
    expect(describeEvent(event('gateway.user_forgotten', { accountId: 'jira-ben', by: 'admin', connections: 2 }), names)).toBe('Ada forgot jira-ben at the AI-agent gateway (2 connection(s) ended)');
  });

  it('names the policy version, and for each call who, through which client, what, the decision and what decided it', () => {
    expect(describeEvent(event('gateway.policy_updated', { fromVersion: 0, toVersion: 1, defaultEffect: 'allow', rules: 2 }), names)).toBe('Ada saved agent policy v1: default allow, 2 rule(s)');
    const call = { accountId: 'acc-admin', client: 'chatgpt', kind: 'call', operation: 'deleteJiraIssue', decision: 'blocked', basis: 'rule', ruleIndex: 0, upstreamStatus: 'not_forwarded', responseBytes: 277 };
    expect(describeEvent(event('gateway.call', call), names)).toBe('AI call BLOCKED: deleteJiraIssue by Ada via chatgpt (rule 1; upstream not_forwarded, 277 B)');
    const { ruleIndex: _dropped, ...noRule } = call;
    expect(describeEvent(event('gateway.call', { ...noRule, basis: 'no_grant' }), names)).toContain('(no grant;');
    expect(describeEvent(event('gateway.call', { ...noRule, accountId: '', kind: 'invalid', operation: 'invalid', basis: 'invalid' }), names)).toBe('AI invalid: invalid by a caller without a token (invalid; upstream not_forwarded, 277 B)');
  });
});

describe('the timeline says work-linked access in words', () => {
  const deadline = Date.parse('2027-02-02T21:30:00Z');

  it('says which policy was added, for what, and how long access may last', () => {
    const saved = { policyId: 'wlp_1', name: 'On-call incidents get ChatGPT', added: true, projectKey: 'INC', toolId: 'chatgpt-enterprise', subject: 'assignee', maxDurationHours: 12, approval: 'automatic', enabled: true, fromVersion: 0, toVersion: 1 };
    expect(describeEvent(event('work.policy_saved', saved), names)).toBe('Ada added work-linked access policy "On-call incidents get ChatGPT" (v1): INC → chatgpt-enterprise for the assignee, at most 12 h, automatic');
    expect(describeEvent(event('work.policy_disabled', { policyId: 'wlp_1', name: 'On-call incidents get ChatGPT', toVersion: 2 }), names)).toBe('Ada disabled work-linked access policy "On-call incidents get ChatGPT" (v2)');
  });

  it('says whose access starts, joins, waits or ends, why, and until when at the latest', () => {
    expect(describeEvent(event('work.link_started', { accountId: 'acc-admin', deadline, grantId: 'grant_1' }, 'INC-1'), names)).toBe('work-linked access for Ada starts, at the latest until 2027-02-02 21:30 UTC [INC-1]');
    expect(describeEvent(event('work.link_started', { accountId: 'acc-admin', deadline, joined: true }, 'INC-2'), names)).toBe('work-linked access for Ada starts (joins their work grant), at the latest until 2027-02-02 21:30 UTC [INC-2]');
    expect(describeEvent(event('work.link_ended', { accountId: 'jira-dev', reason: 'reassigned' }, 'INC-1'), names)).toBe('work-linked access for jira-dev ends: the issue moved to someone else [INC-1]');
    expect(describeEvent(event('work.link_awaiting_approval', { accountId: 'jira-dev', requestId: 'req_1' }, 'INC-1'), names)).toBe('work-linked access for jira-dev waits for an approver [INC-1]');
  });

  it('says the policy decided and that work-linked access revoked, with the reason', () => {
    expect(describeEvent(event('request.approved', { source: 'work', policyId: 'wlp_1', workPolicyVersion: 1 }, 'INC-1'), names)).toBe('approved by work-linked access policy wlp_1 (v1) while the issue is live [INC-1]');
    expect(describeEvent(event('grant.revoked', { from: 'active', to: 'revoked', workReason: 'max_duration', issueKey: 'INC-3' }, 'INC-3'), names)).toBe("grant revoked by work-linked access: the policy's maximum duration passed [INC-3]");
    expect(describeEvent(event('grant.revoked', { rationale: 'Moved teams' }, 'AIR-1'), names)).toBe('Ada revoked the grant: Moved teams [AIR-1]');
  });
});
