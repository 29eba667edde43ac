import { Text, User } from '@forge/react';
import React from 'react';

/**
 * Core's own actors (`clearway:system`, `clearway:engine`, `clearway:defaults`…) are not Jira
 * people. A prefix, not any colon: Atlassian account ids may hold one (`557058:…`, `qm:…`).
 */
const SYSTEM_ACTOR_PREFIX = 'clearway:';

/** Who did something: a Jira person by name, or "Clearway" for the app's own actions. */
export function ActorName({ actor }: { readonly actor: string }) {
  return actor.startsWith(SYSTEM_ACTOR_PREFIX) ? <Text>Clearway</Text> : <User accountId={actor} />;
}
