import { approverVerdict, canApproveAnywhere, currentGovernance, exceptionApproverVerdict, type AccessRequest, type Actor, type GovernanceVersion, type RiskLevel } from '@clearway/core';
import type { ClearwayApp } from '../composition/app';

/**
 * The person invoking a resolver, as the platform names them (`context.accountId`, set by Forge
 * from the invocation, never from the payload). Whether they are a Jira admin is asked of Jira
 * once per call; approver status comes from the governance policy in force.
 */
export class Caller {
  private actorMemo: Promise<Actor> | undefined;
  private governanceMemo: Promise<GovernanceVersion> | undefined;

  constructor(
    readonly accountId: string,
    private readonly app: ClearwayApp,
  ) {}

  actor(): Promise<Actor> {
    this.actorMemo ??= this.app.directory.isJiraAdmin(this.accountId).then((isAdmin) => ({ accountId: this.accountId, isAdmin }));
    return this.actorMemo;
  }

  governance(): Promise<GovernanceVersion> {
    this.governanceMemo ??= currentGovernance(this.app.deps.store);
    return this.governanceMemo;
  }

  async isAdmin(): Promise<boolean> {
    return (await this.actor()).isAdmin === true;
  }

  /** May approve somewhere: an approver, security reviewer or delegate, or an admin with admin fallback. */
  async canApprove(): Promise<boolean> {
    const [actor, governance] = await Promise.all([this.actor(), this.governance()]);
    return canApproveAnywhere(actor, governance.rules, this.app.deps.clock.now());
  }

  /** May act as approver on this request (its project's approvers, its tool's risk reviewers, admin fallback). */
  async mayApprove(request: Pick<AccessRequest, 'requesterAccountId' | 'projectKey'>, riskLevel: RiskLevel): Promise<boolean> {
    const [actor, governance] = await Promise.all([this.actor(), this.governance()]);
    return approverVerdict(actor, request, riskLevel, governance.rules, this.app.deps.clock.now()).allowed;
  }

  /**
   * A security reviewer, or the active delegate of one: may approve exceptions and review them
   * (core still refuses anyone their own). Asked for no request in particular: an empty requester
   * never matches a caller, so only the rules' naming of them counts.
   */
  async isSecurityReviewer(): Promise<boolean> {
    const [actor, governance] = await Promise.all([this.actor(), this.governance()]);
    return exceptionApproverVerdict(actor, { requesterAccountId: '' }, governance.rules, this.app.deps.clock.now()).allowed;
  }
}
