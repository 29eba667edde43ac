import type { AuditEventBody } from '@clearway/core';

/** The audit chain's MAC key in the benchmark (a fixed value: nothing here is secret). */
export const BENCH_MAC_KEY = 'b'.repeat(64);

/** A realistic event: a provisioning success with its refs and data. */
export function sampleBody(seq: number): AuditEventBody {
  return {
    seq,
    at: 1_795_000_000_000 + seq * 1_000,
    actor: 'clearway:engine',
    type: 'job.provision_succeeded',
    refs: { jobId: `job:provision:grant_${seq}:approval`, grantId: `grant_${seq}`, toolId: 'chatgpt-enterprise', connectorId: 'okta-main', issueKey: `AIR-${seq}`, requestId: `req_${seq}` },
    data: { attempt: 1, outcome: 'applied', via: 'provider' },
    policyVersion: 3,
  };
}
