import type { z } from 'zod';
import { ValidationError } from '../errors.js';

/** Parses input at the edge of a use case; a failure names every bad field and changes nothing. */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown, what: string): z.output<S> {
  const parsed = schema.safeParse(input);
  if (parsed.success) return parsed.data;
  const issues = parsed.error.issues.map((issue) => ({ path: issue.path.join('.') || '(input)', message: issue.message }));
  throw new ValidationError(`The ${what} is not valid: ${issues.map((issue) => `${issue.path}: ${issue.message}`).join('; ')}.`, issues);
}
