import { agentPolicyRulesSchema, compileAgentPolicy, evaluateAgentPolicy, type AgentPolicyVersion, type AgentRule, type CompiledAgentPolicy } from '@clearway/core';
import { best, progress, round, type BenchRow } from '../report.js';
import { BENCH_CALLER } from '../gateway/fixture.js';

const OPERATION = 'getJiraIssue';

/**
 * `count` rules as a large site's list might read, none of which matches `getJiraIssue`, each
 * applying to every client and every user so that each one's operation pattern is actually
 * tested: a quarter exact tool names, a quarter `*…*` globs, a quarter prefix globs, a quarter
 * resource globs. With `last`, the last rule is one that matches (`get*Issue`).
 */
function policyOf(count: number, last: 'matches' | 'default'): AgentPolicyVersion {
  const shapes = [(n: number) => `getWidget${n}`, (n: number) => `*Widget${n}*`, (n: number) => `delete${n}*`, (n: number) => `resource:confluence://spaces/S${n}/**`];
  const rules: Array<Pick<AgentRule, 'operation' | 'effect'>> = Array.from({ length: count }, (_, index) => ({ operation: shapes[index % shapes.length]!(index), effect: index % 2 === 0 ? 'deny' : 'allow' }));
  if (last === 'matches' && count > 0) rules[count - 1] = { operation: 'get*Issue', effect: 'allow' };
  return { id: 'bench', version: 1, policyVersion: 1, rules: agentPolicyRulesSchema.parse({ defaultEffect: 'deny', rules }), createdAt: 0, createdBy: 'bench' };
}

/** Many short runs, the fastest kept: on a shared machine, some run is not interrupted. */
const RUNS = 9;

/** ns per evaluation of `OPERATION` (best of {@link RUNS} runs of `times`), checking where each one landed. */
function nsPerEvaluation(policy: CompiledAgentPolicy, times: number, expected: number | undefined): number {
  const ms = best(RUNS, () => {
    for (let call = 0; call < times; call += 1) {
      const verdict = evaluateAgentPolicy(policy, BENCH_CALLER, OPERATION);
      // Checked every time, which also keeps the call from being optimised away.
      if (verdict.ruleIndex !== expected) throw new Error(`the evaluation landed on ${String(verdict.ruleIndex)}, not ${String(expected)}`);
    }
  });
  return (ms * 1_000_000) / times;
}

/**
 * AI-agent gateway: the pure evaluation of one call against a compiled policy of 1,000 rules (the
 * most a policy may hold) where no rule matches or only the last does — every rule is tested, the
 * worst case — beside the same with 10 rules. Plus the one-off compile of the 1,000-rule policy,
 * paid by the first call after each save (compiled policies are cached per version).
 */
export async function gatewayEvaluation(evaluations: number): Promise<BenchRow> {
  progress(`gateway evaluation: runs of ${evaluations.toLocaleString('en')} evaluations against 1,000 rules and ${(evaluations * 10).toLocaleString('en')} against 10 and none, best of ${RUNS}`);
  const large = { default: policyOf(1_000, 'default'), last: policyOf(1_000, 'matches') };
  const small = { default: policyOf(10, 'default'), last: policyOf(10, 'matches') };
  const compileMs = best(RUNS, () => void compileAgentPolicy(large.default));
  const ns = {
    large: nsPerEvaluation(compileAgentPolicy(large.default), evaluations, undefined),
    largeLast: nsPerEvaluation(compileAgentPolicy(large.last), evaluations, 999),
    small: nsPerEvaluation(compileAgentPolicy(small.default), evaluations * 10, undefined),
    smallLast: nsPerEvaluation(compileAgentPolicy(small.last), evaluations * 10, 9),
    // What an evaluation costs before any rule is tested: the caller's client, the result object.
    none: nsPerEvaluation(compileAgentPolicy(policyOf(0, 'default')), evaluations * 10, undefined),
  };
  const figure = ns.large / 1_000;
  return {
    id: 'gateway-evaluation',
    name: `AI-agent gateway: evaluating one call against 1,000 rules, none or only the last matching (worst case), vs 10 rules (best of ${RUNS} runs)`,
    figure: round(figure, 1),
    unit: 'µs per evaluation, 1,000 rules, default decides',
    target: 'report',
    met: 'report',
    details: {
      rules1000DefaultUs: round(ns.large / 1_000, 1),
      rules1000LastRuleUs: round(ns.largeLast / 1_000, 1),
      rules10DefaultNs: Math.round(ns.small),
      rules10LastRuleNs: Math.round(ns.smallLast),
      rules0Ns: Math.round(ns.none),
      rules1000Over10: round(ns.large / ns.small, 1),
      nsPerRuleTested: Math.round((ns.large - ns.none) / 1_000),
      // tools/list asks for every listed tool in one decide: Atlassian's server lists about ten.
      toolsList10At1000RulesUs: round((ns.large * 10) / 1_000, 0),
      compile1000RulesMs: round(compileMs, 2),
    },
  };
}
