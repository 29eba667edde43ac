import type { ActionTable } from './action';
import { adminActions } from './admin';
import { approverActions } from './approver';
import { evidenceActions } from './evidence';
import { exceptionActions } from './exceptions';
import { gatewayActions } from './gateway';
import { portalActions } from './portal';
import { requesterActions } from './requester';
import { workLinkedActions } from './work-linked';

export type { Action, ActionContext, ActionTable, ExtensionContext, Policy } from './action';

/** Every resolver action; the type makes a key without an action (or the reverse) a compile error. */
export const ACTIONS: ActionTable = { ...requesterActions, ...approverActions, ...adminActions, ...evidenceActions, ...exceptionActions, ...gatewayActions, ...workLinkedActions, ...portalActions };
