import { currentWorkPolicies, listWorkLinks, previewWorkPolicy, saveWorkPolicy, setWorkPolicyEnabled, ValidationError, type WorkLinkedPolicy } from '@clearway/core';
import { JiraError } from '../../adapters/jira/jira-request';
import type { ClearwayApp } from '../../composition/app';
import { issueTypeNames, workLinkView, workPoliciesView, workPolicyView, workPreviewView, type WorkPolicyView } from '../work-linked-views';
import type { ActionTable } from './action';

/** One policy as the table shows it (issue types named by Jira when it answers). */
async function policyView(app: ClearwayApp, policy: WorkLinkedPolicy): Promise<WorkPolicyView> {
  const [names, tool] = await Promise.all([issueTypeNames([policy], (projectKey) => app.lookup.issueTypes(projectKey)), app.deps.store.get('tool', policy.toolId)]);
  return workPolicyView(policy, tool?.name ?? policy.toolId, names);
}

/**
 * Jira's refusals that are about what the admin typed, not about Jira being unwell: a project it
 * does not have (or does not let the app see) answers 404 to "Get all statuses for project", and a
 * search naming a project, issue type or status that does not exist answers 400. Either is a
 * problem to fix in the form, not a reason to try again later.
 */
async function namingProblem<T>(call: () => Promise<T>, refusal: { readonly status: number; readonly path: string; readonly message: string }): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (error instanceof JiraError && error.status === refusal.status) throw new ValidationError(`The input is not valid: ${refusal.path}: ${refusal.message}.`, [{ path: refusal.path, message: refusal.message }]);
    throw error;
  }
}

/**
 * The admin page's Work-linked access tab (Jira admins): the policies in force, add / edit,
 * enable / disable, a preview of what a draft would grant now, the project's statuses for the
 * picker, and the issues a grant lives by. Core checks admin rights on every write too.
 */
export const workLinkedActions: Pick<
  ActionTable,
  'workLinked.policies' | 'workLinked.save' | 'workLinked.setEnabled' | 'workLinked.preview' | 'workLinked.projectStatuses' | 'workLinked.grantLinks'
> = {
  'workLinked.policies': {
    policy: 'admin',
    async handle({ app }) {
      const version = await currentWorkPolicies(app.deps.store);
      const names = await issueTypeNames(version.policies, (projectKey) => app.lookup.issueTypes(projectKey));
      return workPoliciesView(app.deps.store, version, names);
    },
  },

  'workLinked.save': {
    policy: 'admin',
    async handle({ app, caller }, payload) {
      return policyView(app, await saveWorkPolicy(app.deps, await caller.actor(), payload));
    },
  },

  'workLinked.setEnabled': {
    policy: 'admin',
    async handle({ app, caller }, payload) {
      return policyView(app, await setWorkPolicyEnabled(app.workDeps, await caller.actor(), payload));
    },
  },

  'workLinked.preview': {
    policy: 'admin',
    // Each preview searches Jira: a button held down must not hammer it.
    rateLimit: [{ budget: 'workPreviews' }],
    async handle({ app, caller }, payload) {
      const actor = await caller.actor();
      const preview = await namingProblem(() => previewWorkPolicy(app.workDeps, actor, payload), {
        status: 400,
        path: 'projectKey',
        message: `Jira refused to search ${payload.projectKey}: check that the project, its issue types and the statuses exist`,
      });
      return workPreviewView(preview);
    },
  },

  'workLinked.projectStatuses': {
    policy: 'admin',
    async handle({ app }, payload) {
      const statuses = await namingProblem(() => app.workDeps.issues.projectStatuses(payload.projectKey), {
        status: 404,
        path: 'projectKey',
        message: `Jira has no project ${payload.projectKey} that Clearway can see`,
      });
      return statuses.map((status) => ({ id: status.id, name: status.name, categoryKey: status.categoryKey }));
    },
  },

  'workLinked.grantLinks': {
    policy: 'admin',
    async handle({ app }, payload) {
      const { grantId, ...page } = payload;
      const [links, version] = await Promise.all([listWorkLinks(app.deps, { grantId }, page), currentWorkPolicies(app.deps.store)]);
      const names = new Map(version.policies.map((policy) => [policy.id, policy.name]));
      return { ...links, items: links.items.map((link) => workLinkView(link, names)) };
    },
  },
};
