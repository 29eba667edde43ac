import type { ActionTable } from './action.js';
import { adminActions } from './admin.js';
import { approverActions } from './approver.js';
import { portalActions } from './portal.js';
import { requesterActions } from './requester.js';

export type { Action, ActionContext, ActionTable, ExtensionContext, Policy } from './action.js';

/** Every resolver action; the type makes a key without an action (or the reverse) a compile error. */
export const ACTIONS: ActionTable = { ...requesterActions, ...approverActions, ...adminActions, ...portalActions };
