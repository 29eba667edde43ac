import { Lozenge, Tooltip, type LozengeProps } from '@forge/react';
import type { ConnectorErrorKind } from '@clearway/connector-sdk';
import type { DecisionSource, ExceptionClosure, ExceptionKind, ExceptionStanding, GrantStatus, JobType, RequestStatus, RiskLevel, ToolStatus } from '@clearway/core';
import React from 'react';

type Appearance = NonNullable<LozengeProps['appearance']>;

/** Words and colours for every status the surfaces show, in one place (DESIGN.md's words). */
const REQUEST: Readonly<Record<RequestStatus, [string, Appearance]>> = {
  pending: ['pending', 'inprogress'],
  approved: ['approved', 'success'],
  denied: ['denied', 'removed'],
  expired: ['expired', 'default'],
};

const GRANT: Readonly<Record<GrantStatus, [string, Appearance]>> = {
  pending_provision: ['pending provision', 'inprogress'],
  active: ['active', 'success'],
  provision_failed: ['provisioning failed', 'removed'],
  expired: ['expired', 'default'],
  revoked: ['revoked', 'moved'],
};

const TOOL: Readonly<Record<ToolStatus, [string, Appearance]>> = {
  approved: ['approved', 'success'],
  blocked: ['blocked', 'removed'],
  denied: ['denied', 'removed'],
};

const RISK: Readonly<Record<RiskLevel, [string, Appearance]>> = {
  low: ['low risk', 'success'],
  medium: ['medium risk', 'moved'],
  high: ['high risk', 'removed'],
  critical: ['critical risk', 'removed'],
};

/** Where an exception stands: its review is due from its date, overdue a day later, and it lapses after governance's grace. */
const EXCEPTION_STANDING: Readonly<Record<ExceptionStanding, [string, Appearance]>> = {
  open: ['open', 'inprogress'],
  review_due: ['review due', 'moved'],
  review_overdue: ['review overdue', 'removed'],
  closed: ['closed', 'default'],
};

/** How an exception ended, in words. */
export const EXCEPTION_CLOSURE_LABELS: Readonly<Record<ExceptionClosure, string>> = {
  expired: 'expired',
  never_provisioned: 'ended before access was set up',
  revoked: 'revoked',
  ended_by_review: 'ended at review',
  lapsed: 'lapsed (review missed)',
};

/** Which of a risk rule's bounds an exception goes past, in words. */
export const EXCEPTION_KIND_LABELS: Readonly<Record<ExceptionKind, string>> = {
  duration: 'longer than allowed',
  blocked_tool: 'tool blocked in the catalog',
};

/** A connector error kind (DESIGN.md §4), as an admin reads it. */
const ERROR_KIND_LABELS: Readonly<Record<ConnectorErrorKind, string>> = {
  rate_limited: 'rate limited',
  transient: 'temporary failure',
  auth: 'sign-in refused',
  permission: 'missing permission',
  not_found: 'not found',
  invalid_request: 'request refused',
  invalid_config: 'connector settings',
  unsupported: 'not supported',
};

export function errorKindLabel(kind: string): string {
  return (ERROR_KIND_LABELS as Readonly<Record<string, string>>)[kind] ?? kind.replace(/_/g, ' ');
}

export const JOB_TYPE_LABELS: Readonly<Record<JobType, string>> = { provision: 'provision', deprovision: 'deprovision', check: 'membership check', reconcile: 'group reconciliation' };

export const DECISION_SOURCE_LABELS: Readonly<Record<DecisionSource, string>> = { human: 'by an approver', bulk: 'in a bulk decision', auto: 'by an auto-approval policy', work: 'by a work-linked access policy' };

export function RequestStatusLozenge({ status }: { readonly status: RequestStatus }) {
  const [label, appearance] = REQUEST[status];
  return <Lozenge appearance={appearance}>{label}</Lozenge>;
}

export function GrantStatusLozenge({ status }: { readonly status: GrantStatus }) {
  const [label, appearance] = GRANT[status];
  return <Lozenge appearance={appearance}>{label}</Lozenge>;
}

export function ToolStatusLozenge({ status }: { readonly status: ToolStatus }) {
  const [label, appearance] = TOOL[status];
  return <Lozenge appearance={appearance}>{label}</Lozenge>;
}

export function RiskLozenge({ risk }: { readonly risk: RiskLevel }) {
  const [label, appearance] = RISK[risk];
  return (
    <Lozenge appearance={appearance} isBold={risk === 'critical'}>
      {label}
    </Lozenge>
  );
}

export function ExceptionStandingLozenge({ standing }: { readonly standing: ExceptionStanding }) {
  const [label, appearance] = EXCEPTION_STANDING[standing];
  return (
    <Lozenge appearance={appearance} isBold={standing === 'review_overdue'}>
      {label}
    </Lozenge>
  );
}

/**
 * Marks a grant approved outside the rules. `reason` (for admins and approvers) is shown on hover;
 * the requester's own view shows the marker alone.
 */
export function ExceptionLozenge({ reason }: { readonly reason?: string }) {
  const marker = (
    <Lozenge appearance="moved" isBold>
      Exception
    </Lozenge>
  );
  return reason === undefined ? marker : <Tooltip content={`Approved as an exception: ${reason}`}>{marker}</Tooltip>;
}

/** Labels of access that ended or never came: they stand out like expiry does. */
const ENDED_LABELS: ReadonlySet<string> = new Set(['expired', 'ended before access was set up', 'setting up access failed', 'revoked']);

/** N days remaining / expires tomorrow / today / expired for active access, or the state in words; expiring soon and ended stand out. */
export function ExpiryLozenge({ label, expiringSoon }: { readonly label: string; readonly expiringSoon: boolean }) {
  const ended = ENDED_LABELS.has(label);
  const appearance: Appearance = ended ? 'removed' : expiringSoon ? 'moved' : label === 'waiting for access to be set up' ? 'inprogress' : 'default';
  return (
    <Lozenge appearance={appearance} isBold={expiringSoon || ended}>
      {label}
    </Lozenge>
  );
}

export function requestStatusLabel(status: string): string {
  return (REQUEST as Readonly<Record<string, [string, Appearance]>>)[status]?.[0] ?? status;
}

export const REQUEST_STATUS_OPTIONS = (Object.keys(REQUEST) as RequestStatus[]).map((status) => ({ label: REQUEST[status][0], value: status }));
export const GRANT_STATUS_OPTIONS = (Object.keys(GRANT) as GrantStatus[]).map((status) => ({ label: GRANT[status][0], value: status }));
export const TOOL_STATUS_OPTIONS = (Object.keys(TOOL) as ToolStatus[]).map((status) => ({ label: TOOL[status][0], value: status }));
export const RISK_OPTIONS = (Object.keys(RISK) as RiskLevel[]).map((risk) => ({ label: RISK[risk][0].replace(' risk', ''), value: risk }));
