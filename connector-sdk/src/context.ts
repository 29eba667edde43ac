import { randomUUID } from 'node:crypto';
import type { OperationContext } from './contract.js';
import { TransientError } from './errors.js';
import { silentLogger, type Logger } from './logger.js';

export interface OperationContextOptions {
  correlationId?: string;
  /** Epoch ms; takes precedence over `timeoutMs`. */
  deadline?: number;
  /** Milliseconds from now; defaults to 20 s (inside a 25 s Forge resolver). */
  timeoutMs?: number;
  /** A caller's signal to follow as well as the deadline. */
  signal?: AbortSignal;
  logger?: Logger;
  now?: () => number;
}

const DEFAULT_TIMEOUT_MS = 20_000;

/**
 * Builds the context an operation runs under. Its signal aborts when the caller's signal does or
 * when the deadline passes, so an HTTP call handed `ctx.signal` stops at the deadline.
 */
export function createOperationContext(options: OperationContextOptions = {}): OperationContext {
  const now = options.now ?? Date.now;
  const deadline = options.deadline ?? now() + (options.timeoutMs ?? DEFAULT_TIMEOUT_MS);
  const remaining = Math.max(0, deadline - now());
  const timer = AbortSignal.timeout(Math.min(remaining, 2_147_483_647));
  const signal = options.signal ? AbortSignal.any([options.signal, timer]) : timer;
  return {
    correlationId: options.correlationId ?? randomUUID(),
    deadline,
    signal,
    logger: options.logger ?? silentLogger,
    now,
  };
}

/** Throws a transient error when the context is aborted or past its deadline; call before each step. */
export function assertCanProceed(ctx: OperationContext, action = 'The operation'): void {
  if (ctx.signal.aborted && ctx.now() < ctx.deadline) {
    throw new TransientError(`${action} was cancelled before it started.`, { code: 'aborted' });
  }
  if (ctx.now() >= ctx.deadline || ctx.signal.aborted) {
    throw new TransientError(`${action} reached its deadline before it started.`, { code: 'deadline_exceeded' });
  }
}

/** Milliseconds left before the context's deadline (never negative). */
export function remainingMs(ctx: OperationContext): number {
  return Math.max(0, ctx.deadline - ctx.now());
}
