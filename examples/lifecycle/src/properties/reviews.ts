import { reportGrant, reportSubject, type RunContext } from '../context.js';
import { dayOf, iso } from '../record.js';
import { REVIEW_ISSUE_TYPE } from '../world.js';

/** How the exception sweep titles the review issue it opens: "Review exception: … (due 2027-02-14)". */
const EXCEPTION_REVIEW = /^Review exception: .*\(due (\d{4}-\d{2}-\d{2})\)$/;

function count(index: Map<string, Map<string, number>>, grantId: string, date: string): void {
  const byDate = index.get(grantId) ?? new Map<string, number>();
  byDate.set(date, (byDate.get(date) ?? 0) + 1);
  index.set(grantId, byDate);
}

/**
 * Counts the review issues the sandbox Jira was asked to create (both kinds share the review
 * issue type), reading only issues created since the last look (the Jira keeps them in creation
 * order): recertification issues per grant and per end date named in the summary ("… (expires
 * 2027-02-14)"), exception review issues per grant and per review date ("… (due 2027-02-14)").
 */
export class ReviewIssueIndex {
  private seen = 0;

  update(ctx: RunContext): void {
    const keys = Object.keys(ctx.world.deps.jira.issues);
    for (const key of keys.slice(this.seen)) {
      const issue = ctx.world.deps.jira.issues[key];
      if (!issue || issue.issueTypeId !== REVIEW_ISSUE_TYPE) continue;
      const exceptionDue = EXCEPTION_REVIEW.exec(issue.summary)?.[1];
      if (exceptionDue !== undefined) {
        ctx.size.exceptions.reviewIssues += 1;
        const grantId = /Clearway grant (\S+)/.exec(issue.description)?.[1];
        if (grantId) count(ctx.exceptionReviewIssues, grantId, exceptionDue);
        else reportSubject(ctx, 'exception-review', 'exception review issue names no grant', key, `${issue.summary} / ${issue.description.slice(0, 120)}`);
        continue;
      }
      ctx.size.recertificationIssues += 1;
      const grantId = /Clearway grant (\S+)/.exec(issue.description)?.[1];
      const end = /\(expires (\d{4}-\d{2}-\d{2})\)/.exec(issue.summary)?.[1];
      if (!grantId || !end) {
        reportSubject(ctx, 'reviews', 'recertification issue names no grant or end date', key, `${issue.summary} / ${issue.description.slice(0, 120)}`);
        continue;
      }
      count(ctx.reviewIssues, grantId, end);
    }
    this.seen = keys.length;
  }
}

/**
 * Property 2, after a sweep: each term (each approved end while active) that was inside the
 * review window at a sweep has exactly one recertification issue naming its end date; a term
 * that never was has none; no issue names an end that was never an approved term.
 */
export function checkReviews(ctx: RunContext): void {
  for (const grant of ctx.record.grants.values()) {
    if (grant.diverged !== undefined) continue;
    const issues = ctx.reviewIssues.get(grant.id);
    const termDates = new Set<string>();
    for (const term of grant.terms) {
      const date = dayOf(term.end);
      termDates.add(date);
      const count = issues?.get(date) ?? 0;
      const expected = term.enteredWindowAt === undefined ? 0 : 1;
      if (count === expected) continue;
      const span = `term ending ${iso(term.end)}, active ${iso(term.from)}–${term.to === undefined ? 'now' : iso(term.to)}`;
      if (expected === 1 && count === 0) reportGrant(ctx, 'reviews', 'term entered its review window but got no recertification issue', grant, `${span}, in the window at the sweep of ${iso(term.enteredWindowAt ?? 0)}`);
      else if (expected === 0) reportGrant(ctx, 'reviews', 'recertification issue for a term that was never in its review window while active', grant, `${span}: ${count} issue(s)`);
      else reportGrant(ctx, 'reviews', 'more than one recertification issue for one term', grant, `${span}: ${count} issues`);
    }
    for (const [date, count] of issues ?? []) {
      if (!termDates.has(date)) reportGrant(ctx, 'reviews', 'recertification issue names an end that was never an approved term', grant, `${count} issue(s) naming ${date}; approved terms end ${[...termDates].join(', ') || 'nowhere (never active)'}`);
    }
  }
}
