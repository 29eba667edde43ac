import type { z } from 'zod';
import { ValidationError } from '../errors.js';

/** Parses input at the edge of a use case; a failure names every bad field and changes nothing. */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown, what: string): z.output<S> {
  assertWellFormed(input, what);
  const parsed = schema.safeParse(input);
  if (parsed.success) return parsed.data;
  const issues = parsed.error.issues.map((issue) => ({ path: issue.path.join('.') || '(input)', message: issue.message }));
  throw new ValidationError(`The ${what} is not valid: ${issues.map((issue) => `${issue.path}: ${issue.message}`).join('; ')}.`, issues);
}

/**
 * Refuses text that is not well-formed Unicode (a lone surrogate such as `\uD800`) anywhere in the
 * input, naming where: such text cannot be stored, hashed into the audit chain (RFC 8785 JSON
 * refuses it) or shown, so it is stopped at the edge with a typed error, before anything changes.
 */
export function assertWellFormed(input: unknown, what: string): void {
  const path = illFormedTextPath(input);
  if (path === undefined) return;
  const where = path.join('.') || '(input)';
  throw new ValidationError(`The ${what} is not valid: ${where}: contains characters that are not valid Unicode (a lone surrogate).`, [{ path: where, message: 'not valid Unicode' }]);
}

/** In `u` mode a surrogate pair is one code point, so this matches only a surrogate standing alone. */
const LONE_SURROGATE = /\p{Cs}/u;

/**
 * Where in a value (a string, a key, or one nested up to 20 levels) text is not well-formed
 * Unicode, as a path (array positions as numbers, as zod names them); undefined when all is well.
 */
export function illFormedTextPath(value: unknown, path: readonly PropertyKey[] = [], depth = 0): PropertyKey[] | undefined {
  if (typeof value === 'string') return LONE_SURROGATE.test(value) ? [...path] : undefined;
  if (depth > 20 || value === null || typeof value !== 'object') return undefined;
  for (const [key, item] of Object.entries(value)) {
    const here = [...path, Array.isArray(value) ? Number(key) : key];
    if (LONE_SURROGATE.test(key)) return here;
    const found = illFormedTextPath(item, here, depth + 1);
    if (found !== undefined) return found;
  }
  return undefined;
}
