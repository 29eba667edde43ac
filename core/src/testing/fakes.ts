/** Test doubles for the clock and logger ports, shared by core's tests and every app built on core. */
import type { Clock } from '../ports/clock.js';
import type { LogFields, Logger } from '../ports/logger.js';

/** The instant tests start at. */
export const T0 = Date.parse('2026-11-23T09:00:00Z');

/** A clock that moves only when told. */
export class FakeClock implements Clock {
  constructor(public at = T0) {}
  now = (): number => this.at;
  advance(ms: number): void {
    this.at += ms;
  }
  /** Moves the clock to `ms` from now (never back) instead of waiting; lets other work run first. */
  sleep = async (ms: number): Promise<void> => {
    const target = this.at + Math.max(0, ms);
    await Promise.resolve();
    this.at = Math.max(this.at, target);
  };
}

/** Keeps every log line, for asserting what was (and was not) logged. */
export class MemoryLogger implements Logger {
  readonly lines: Array<{ level: string; message: string; fields?: LogFields }> = [];
  private push = (level: string) => (message: string, fields?: LogFields) => void this.lines.push({ level, message, ...(fields !== undefined && { fields }) });
  debug = this.push('debug');
  info = this.push('info');
  warn = this.push('warn');
  error = this.push('error');
}
