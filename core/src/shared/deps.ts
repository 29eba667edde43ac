import type { Clock } from '../ports/clock.js';
import type { Ids } from '../ports/ids.js';
import type { Jira } from '../ports/jira.js';
import type { Logger } from '../ports/logger.js';
import type { Secrets } from '../ports/secrets.js';
import type { Store } from '../ports/store.js';
import type { WorkIssues } from '../ports/work-issues.js';

/** The ports every use case runs against; adapters provide them at the edge. */
export interface CoreDeps {
  readonly store: Store;
  readonly clock: Clock;
  readonly ids: Ids;
  readonly secrets: Secrets;
  readonly jira: Jira;
  readonly logger: Logger;
  /** Jira's issues as they are now, for work-linked access; absent where no work-linked access runs. */
  readonly issues?: WorkIssues;
}

/** Who is acting. Groups and admin status come from Jira, looked up by the adapter per call. */
export interface Actor {
  readonly accountId: string;
  readonly isAdmin?: boolean;
  readonly groups?: readonly string[];
  readonly displayName?: string;
  readonly email?: string;
}

/** The actor recorded for sweeps, auto-approval and the engine. */
export const SYSTEM_ACTOR: Actor = { accountId: 'clearway:system', isAdmin: true };
