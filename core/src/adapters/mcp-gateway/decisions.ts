import type { CallDecision } from '../../agent-gateway/call.js';

/** MCP plumbing (`initialize`, `ping`, lists, notifications): not an operation on the site. */
export function protocolDecision(policyVersion: number, reason: string): CallDecision {
  return { effect: 'allow', basis: 'protocol', policyVersion, reason };
}

/** Refused before evaluation: malformed, unsupported, unauthenticated or oversized. */
export function invalidDecision(reason: string): CallDecision {
  return { effect: 'deny', basis: 'invalid', policyVersion: 0, reason };
}

/**
 * What the gateway decides when the policy port itself failed (threw, timed out or answered out
 * of contract): deny, so nothing passes that the policy was never asked about.
 */
export const POLICY_PORT_FAILED: CallDecision = {
  effect: 'deny',
  basis: 'policy_unavailable',
  policyVersion: 0,
  reason: 'Clearway could not evaluate its agent policy just now, so the call is refused (fail closed). Try again shortly; if this persists, tell your Clearway admin.',
};

/**
 * The JSON-RPC error message for a refused call: which policy version and rule (numbered from 1,
 * as the admin sees the list; the record keeps the 0-based `ruleIndex`) or the default decided,
 * the rule's note, then the decision's own reason, which says what to do.
 */
export function denialMessage(decision: CallDecision): string {
  // Core's reason already names the policy version, the rule (or the default) and its note.
  return decision.basis === 'policy_unavailable' && !decision.reason.startsWith('Blocked') ? `Blocked by Clearway: the agent policy could not be read. ${decision.reason}` : decision.reason;
}

/** The same decision as data, for clients that show it rather than read the message. */
export function denialData(decision: CallDecision): Readonly<Record<string, unknown>> {
  return {
    clearway: {
      effect: decision.effect,
      basis: decision.basis,
      policyVersion: decision.policyVersion,
      ...(decision.ruleIndex !== undefined && { ruleIndex: decision.ruleIndex }),
      ...(decision.note !== undefined && { note: decision.note }),
    },
  };
}
