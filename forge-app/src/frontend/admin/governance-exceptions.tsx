import type { ExceptionClosure, ExceptionReport, GovernanceRules, RiskLevel } from '@clearway/core';
import { Box, Button, ButtonGroup, DynamicTable, Heading, Inline, Stack, Text, xcss } from '@forge/react';
import React, { useState } from 'react';
import type { ExceptionSummary } from '../../resolvers/contract';
import { NumberField } from '../components/fields';
import { formatDateTime } from '../components/format';
import { Pager, ShowMore } from '../components/paging';
import { Empty, Loaded, NoticeMessage, type Notice } from '../components/states';
import { EXCEPTION_CLOSURE_LABELS, RiskLozenge } from '../components/status';
import { useClearway, useGrowingList, usePagedList } from '../components/use-clearway';
import { ExceptionReviewModal, type ReviewOutcome } from '../exceptions/exception-review-modal';
import { ExceptionsTable } from '../exceptions/exceptions-table';
import type { GovernanceDraft } from './governance-draft';

const RISKS: readonly RiskLevel[] = ['low', 'medium', 'high', 'critical'];
const CARD = xcss({ borderColor: 'color.border', borderStyle: 'solid', borderWidth: 'border.width', borderRadius: 'radius.medium', padding: 'space.150' });

/** The limit's label; the operations guide calls the critical one "critical exception limits". */
function limitLabel(risk: RiskLevel): string {
  return risk === 'critical' ? 'Critical exception limit: open exceptions per critical-risk tool' : `Open exceptions per ${risk}-risk tool`;
}

type Report = (name: string, problem: string | undefined) => void;

/**
 * Governance's rules for exceptions (grants outside a risk rule's bounds, approved by a security
 * reviewer with a reason): how often each is reviewed, when a missed review ends it, how long one
 * may run, and how many may be open per tool at each risk level. Part of the versioned policy.
 */
export function ExceptionRules({ rules, edit, report }: { readonly rules: GovernanceRules; readonly edit: GovernanceDraft['edit']; readonly report: Report }) {
  const set = (change: Partial<GovernanceRules['exceptions']>) => edit((current) => ({ ...current, exceptions: { ...current.exceptions, ...change } }));
  const { exceptions } = rules;
  return (
    <Stack space="space.100" testId="exception-rules">
      <Text>
        An exception is a grant outside a risk rule’s bounds — longer than the maximum, or a tool the catalog blocks — approved by a security reviewer with a
        reason. Exceptions are reviewed more often than other grants, end when a review is missed, and each tool may have only so many open.
      </Text>
      <Inline space="space.300" alignBlock="start" shouldWrap>
        <NumberField name="exceptionReviewDays" label="Review each exception every (days)" isRequired min={1} max={90} value={exceptions.reviewEveryDays} onProblem={report} onChange={(value) => value !== undefined && set({ reviewEveryDays: value })} />
        <NumberField
          name="exceptionLapseDays"
          label="End it when a review is overdue by (days)"
          helper="Its grant is revoked and the person leaves the group."
          isRequired
          min={1}
          max={30}
          value={exceptions.lapseAfterDays}
          onProblem={report}
          onChange={(value) => value !== undefined && set({ lapseAfterDays: value })}
        />
        <NumberField name="exceptionMaxDays" label="Longest exception (days)" isRequired min={1} max={180} value={exceptions.maxDurationDays} onProblem={report} onChange={(value) => value !== undefined && set({ maxDurationDays: value })} />
      </Inline>
      <Inline space="space.300" alignBlock="start" shouldWrap>
        {RISKS.map((risk) => (
          <NumberField
            key={risk}
            name={`exceptionLimit-${risk}`}
            label={limitLabel(risk)}
            helper="0 allows none."
            isRequired
            min={0}
            max={1000}
            value={exceptions.openLimits[risk]}
            onProblem={report}
            onChange={(value) => value !== undefined && set({ openLimits: { ...exceptions.openLimits, [risk]: value } })}
          />
        ))}
      </Inline>
    </Stack>
  );
}

function Card({ title, value, testId }: { readonly title: string; readonly value: string; readonly testId: string }) {
  return (
    <Box xcss={CARD} testId={testId}>
      <Stack space="space.050">
        <Heading size="small">{value}</Heading>
        <Text>{title}</Text>
      </Stack>
    </Box>
  );
}

function closedText(closed: Readonly<Record<ExceptionClosure, number>>): string {
  const parts = (Object.keys(closed) as ExceptionClosure[]).filter((how) => closed[how] > 0).map((how) => `${closed[how]} ${EXCEPTION_CLOSURE_LABELS[how]}`);
  return parts.length === 0 ? 'none closed' : parts.join(', ');
}

/** The exceptions report: open and where reviews stand, the last 30 days, and each tool against its limit. */
function ExceptionsReport({ report }: { readonly report: ExceptionReport }) {
  const closedTotal = Object.values(report.last30Days.closed).reduce((sum, count) => sum + count, 0);
  return (
    <Stack space="space.150" testId="exception-report">
      <Inline space="space.200" shouldWrap>
        <Card testId="exceptions-open" title="open exceptions" value={String(report.open)} />
        <Card testId="exceptions-due" title="reviews due" value={String(report.reviewDue)} />
        <Card testId="exceptions-overdue" title="reviews overdue" value={String(report.reviewOverdue)} />
        <Card testId="exceptions-granted" title="granted in the last 30 days" value={String(report.last30Days.granted)} />
        <Card testId="exceptions-closed" title={`closed in the last 30 days: ${closedText(report.last30Days.closed)}`} value={String(closedTotal)} />
      </Inline>
      {report.truncated ? <Text size="small">Counted over the first 1,000 exceptions: the figures are at least these.</Text> : null}
      {report.byTool.length === 0 ? (
        <Text>No tool has an open exception.</Text>
      ) : (
        <DynamicTable
          testId="exception-usage"
          caption="Open exceptions by tool"
          head={{
            cells: [
              { key: 'tool', content: 'Tool' },
              { key: 'risk', content: 'Risk level' },
              { key: 'usage', content: 'Open exceptions' },
            ],
          }}
          rows={report.byTool.map((row) => ({
            key: row.toolId,
            isHighlighted: row.open >= row.limit,
            cells: [
              { key: 'tool', content: row.toolName },
              { key: 'risk', content: <RiskLozenge risk={row.riskLevel} /> },
              { key: 'usage', content: `${row.open} of ${row.limit} open (${row.riskLevel} risk)${row.open >= row.limit ? ': at the limit' : ''}` },
            ],
          }))}
        />
      )}
      <Text size="small">{`Report read ${formatDateTime(report.generatedAt)}.`}</Text>
    </Stack>
  );
}

function OpenExceptions({ onReview }: { readonly onReview: (exception: ExceptionSummary, outcome: ReviewOutcome) => void }) {
  const list = useGrowingList('exceptions.list', { state: 'open' }, 50);
  return (
    <Loaded state={list.state} loading="Loading open exceptions" errorTitle="Clearway could not load the open exceptions" onRetry={list.reload}>
      {(exceptions) =>
        exceptions.length === 0 ? (
          <Empty header="No open exceptions" description="When a security reviewer approves access outside the rules, the exception shows here until its grant ends." />
        ) : (
          <Stack space="space.100">
            <ExceptionsTable exceptions={exceptions} testId="open-exceptions" onReview={onReview} />
            <ShowMore list={list} />
          </Stack>
        )
      }
    </Loaded>
  );
}

function ExceptionHistory() {
  const list = usePagedList('exceptions.list', { state: 'all' }, 25);
  return (
    <Loaded state={list.state} loading="Loading the exception history" errorTitle="Clearway could not load the exception history" onRetry={list.reload}>
      {(exceptions) =>
        exceptions.length === 0 && list.pageNumber === 1 ? (
          <Empty header="No exceptions yet" description="Every exception ever approved is listed here, newest first, with how it ended." />
        ) : (
          <Stack space="space.100">
            <ExceptionsTable exceptions={exceptions} testId="exception-history" history />
            <Pager list={list} />
          </Stack>
        )
      }
    </Loaded>
  );
}

/**
 * Exceptions in force and past: the report, the open list (Keep / End for security reviewers),
 * and the history of every exception, paged. Security reviewers who are not Jira admins work the
 * same reviews from Approvals.
 */
export function ExceptionsOverview() {
  const report = useClearway('exceptions.report', {});
  const [view, setView] = useState<'open' | 'history'>('open');
  const [reviewing, setReviewing] = useState<{ readonly exception: ExceptionSummary; readonly outcome: ReviewOutcome }>();
  const [notice, setNotice] = useState<Notice>();
  const [round, setRound] = useState(0);
  return (
    <Stack space="space.150">
      <Heading size="medium">Exceptions in force</Heading>
      <NoticeMessage notice={notice} />
      <Loaded state={report.state} loading="Loading the exceptions report" errorTitle="Clearway could not load the exceptions report" onRetry={report.reload}>
        {(data) => <ExceptionsReport report={data} />}
      </Loaded>
      <ButtonGroup label="Show exceptions">
        <Button isSelected={view === 'open'} testId="exceptions-view-open" onClick={() => setView('open')}>
          Open
        </Button>
        <Button isSelected={view === 'history'} testId="exceptions-view-history" onClick={() => setView('history')}>
          History
        </Button>
      </ButtonGroup>
      {view === 'open' ? <OpenExceptions key={`open-${round}`} onReview={(exception, outcome) => setReviewing({ exception, outcome })} /> : <ExceptionHistory />}
      {reviewing ? (
        <ExceptionReviewModal
          {...reviewing}
          onClose={() => setReviewing(undefined)}
          onReviewed={(result) => {
            setReviewing(undefined);
            setNotice(result);
            setRound((value) => value + 1);
            report.reload();
          }}
        />
      ) : null}
    </Stack>
  );
}
