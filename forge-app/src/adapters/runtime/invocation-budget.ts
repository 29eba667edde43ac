import { getAppContext } from '@forge/api';

/** How long the current invocation may still run; handlers turn it into core's deadlines. */
export interface InvocationBudget {
  remainingMs(): number;
}

/**
 * The Forge runtime's own count (`invocationRemainingTimeInMillis`). Where the runtime cannot
 * tell (a tunnel), the function's configured timeout is the best guess.
 */
export function forgeInvocationBudget(fallbackMs: number): InvocationBudget {
  return {
    remainingMs: () => {
      try {
        return getAppContext().invocationRemainingTimeInMillis();
      } catch {
        return fallbackMs;
      }
    },
  };
}
