import { ForbiddenError } from '../errors.js';
import type { Actor } from './deps.js';

export function requireAdmin(actor: Actor, action: string): void {
  if (!actor.isAdmin) throw new ForbiddenError('forbidden', `Only Jira admins can ${action}.`);
}
