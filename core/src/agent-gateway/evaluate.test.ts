import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileAgentPolicy, describeVerdict, evaluateAgentPolicy } from './evaluate.js';
import { agentPolicyRulesSchema, type AgentPolicyRulesInput, type AgentPolicyVersion } from './policy.js';

function version(rules: AgentPolicyRulesInput, policyVersion = 3): AgentPolicyVersion {
  return { id: 'v', version: 1, policyVersion, rules: agentPolicyRulesSchema.parse(rules), createdAt: 0, createdBy: 'admin' };
}

const dev = { client: 'claude', groups: ['developers'] };

describe('agent policy evaluation', () => {
  const source = version({
    defaultEffect: 'allow',
    rules: [
      { operation: 'delete*', effect: 'deny', note: 'AI may never delete' },
      { client: 'chatgpt', operation: '*Confluence*', effect: 'deny' },
      { group: 'administrators', operation: 'transitionJiraIssue', effect: 'allow' },
      { operation: 'transition*', effect: 'deny' },
      { group: 'developers', operation: 'createJiraIssue', effect: 'allow', requireGrant: true },
    ],
    clients: [{ name: 'claude', toolId: 'claude-enterprise' }],
  });
  const policy = compileAgentPolicy(source);

  it('the first matching rule decides, with its index, note and the policy version', () => {
    expect(evaluateAgentPolicy(policy, dev, 'deleteJiraIssue')).toEqual({ effect: 'deny', basis: 'rule', ruleIndex: 0, requiresGrant: false, note: 'AI may never delete', policyVersion: 3, toolId: 'claude-enterprise' });
    // An admin may transition (rule 2) although rule 3 denies transitions: order decides.
    expect(evaluateAgentPolicy(policy, { client: 'claude', groups: ['administrators'] }, 'transitionJiraIssue').ruleIndex).toBe(2);
    expect(evaluateAgentPolicy(policy, dev, 'transitionJiraIssue')).toMatchObject({ effect: 'deny', ruleIndex: 3 });
  });

  it('matches operation, client and group case-insensitively', () => {
    expect(evaluateAgentPolicy(policy, dev, 'DELETEJIRAISSUE').ruleIndex).toBe(0);
    expect(evaluateAgentPolicy(policy, { client: 'ChatGPT', groups: [] }, 'getconfluencepage').ruleIndex).toBe(1);
    expect(evaluateAgentPolicy(policy, { client: 'claude', groups: ['ADMINISTRATORS'] }, 'transitionJiraIssue').ruleIndex).toBe(2);
  });

  it('a rule naming a client or a group skips other callers; none matching → the default', () => {
    expect(evaluateAgentPolicy(policy, dev, 'getConfluencePage')).toMatchObject({ effect: 'allow', basis: 'default' });
    expect(evaluateAgentPolicy(policy, dev, 'getConfluencePage').ruleIndex).toBeUndefined();
    expect(evaluateAgentPolicy(policy, { client: 'claude', groups: ['sales'] }, 'createJiraIssue')).toMatchObject({ basis: 'default' });
    expect(evaluateAgentPolicy(policy, dev, 'createJiraIssue')).toMatchObject({ effect: 'allow', ruleIndex: 4, requiresGrant: true });
  });

  it('globs cross "/" in resource operations and `*` matches everything', () => {
    const resources = compileAgentPolicy(version({ defaultEffect: 'allow', rules: [{ operation: 'resource:jira://*', effect: 'deny' }] }));
    expect(evaluateAgentPolicy(resources, dev, 'resource:jira://site/issue/AIR-1').effect).toBe('deny');
    expect(evaluateAgentPolicy(resources, dev, 'prompt:summarise').effect).toBe('allow');
  });

  it('describes the deciding rule for reasons', () => {
    expect(describeVerdict(source, { basis: 'rule', ruleIndex: 1 })).toBe('rule 2 (*Confluence* → deny for chatgpt, any user)');
    expect(describeVerdict(source, { basis: 'default' })).toBe('the default decision (allow)');
  });

  it('property: the decision is the first rule (by a naive scan) whose client, group and glob match, else the default', () => {
    const ops = ['getJiraIssue', 'deleteJiraIssue', 'createConfluencePage', 'searchJiraIssuesUsingJql', 'resource:jira://a/b'];
    const patterns = ['*', 'delete*', '*Confluence*', 'get*', '*Issue', 'search?ira*', 'resource:*', 'GETJIRAISSUE'];
    const rule = fc.record({
      client: fc.constantFrom('*', 'claude', 'chatgpt'),
      group: fc.constantFrom(null, 'developers', 'sales'),
      operation: fc.constantFrom(...patterns),
      effect: fc.constantFrom('allow' as const, 'deny' as const),
    });
    fc.assert(
      fc.property(fc.array(rule, { maxLength: 12 }), fc.constantFrom('allow' as const, 'deny' as const), fc.constantFrom(...ops), fc.constantFrom('claude', 'chatgpt'), fc.subarray(['developers', 'sales']), (rules, defaultEffect, operation, client, groups) => {
        const verdict = evaluateAgentPolicy(compileAgentPolicy(version({ defaultEffect, rules })), { client, groups }, operation);
        const re = (glob: string) => new RegExp(`^${glob.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`, 'i');
        const index = rules.findIndex((r) => (r.client === '*' || r.client === client) && (r.group === null || groups.includes(r.group)) && re(r.operation).test(operation));
        expect(verdict.ruleIndex).toBe(index < 0 ? undefined : index);
        expect(verdict.effect).toBe(index < 0 ? defaultEffect : rules[index]!.effect);
      }),
      { numRuns: 500 },
    );
  });
});
