/**
 * The shapes a provider's answers must have before the engine believes them. `defineProvider`
 * checks every result against these: an identity or a group without a usable id, an outcome that
 * is not one of the contract's, a batch of the wrong length — whatever upstream answer it came
 * from — is an error the engine retries within its budget, never a fact it records.
 */
import { z } from 'zod';
import { TransientError } from './errors.js';

/** An id something will be stored under or sent in a path: a non-blank string. */
const id = z.string().refine((value) => value.trim().length > 0, 'must not be blank');

const identitySchema = z.object({
  id,
  login: z.string().optional(),
  email: z.string().optional(),
  displayName: z.string().optional(),
});

const manualTaskSchema = z.object({
  action: z.enum(['provision', 'deprovision', 'verify']),
  summary: z.string(),
  instructions: z.string().optional(),
});

export const identityResolutionSchema = z.discriminatedUnion('outcome', [
  z.object({ outcome: z.literal('resolved'), identity: identitySchema, matchedBy: z.enum(['mapping', 'login', 'email', 'account']) }),
  z.object({ outcome: z.literal('unresolved'), reason: z.enum(['not_found', 'inactive', 'ambiguous', 'mapping_required']), message: z.string() }),
]);

export const groupBindingSchema = z.object({
  group: z.object({ id, name: z.string().optional() }),
  outcome: z.enum(['bound', 'created']),
});

export const membershipOutcomeSchema = z.discriminatedUnion('outcome', [
  z.object({ outcome: z.literal('applied') }),
  z.object({ outcome: z.literal('already_satisfied') }),
  z.object({ outcome: z.literal('pending_manual'), task: manualTaskSchema }),
]);

export const membershipCheckSchema = z.discriminatedUnion('outcome', [
  z.object({ outcome: z.enum(['member', 'not_member']), via: z.enum(['direct', 'transitive', 'manual_confirmation']) }),
  z.object({ outcome: z.literal('pending_manual'), task: manualTaskSchema }),
]);

/**
 * A page of a group's members: each a usable identity, and a next-page cursor that is a non-empty
 * string when there is one (an empty one could not be told from "last page" by a caller that tests
 * it for truth).
 */
export const memberPageSchema = z.object({
  members: z.array(identitySchema),
  nextCursor: z.string().min(1, 'must not be empty').optional(),
});

/**
 * The page answering a request made with `cursor`. A page that hands back the very cursor it was
 * asked with is a directory going round in circles: following it would page forever.
 */
export function memberPageSchemaFor(cursor: string | undefined): z.ZodType {
  if (cursor === undefined) return memberPageSchema;
  return memberPageSchema.refine((page) => page.nextCursor !== cursor, { path: ['nextCursor'], message: 'repeats the cursor this page was asked with' });
}

export const connectionTestSchema = z.object({
  ok: z.boolean(),
  checks: z.array(z.object({ name: z.string(), passed: z.boolean(), message: z.string() })),
});

/**
 * The result, if it has the shape the contract promises; otherwise a transient `unexpected_response`
 * (a provider passing through an answer it did not recognise), which names no value from it.
 */
export function validResult<T>(schema: z.ZodType, result: T, action: string): T {
  const parsed = schema.safeParse(result);
  if (parsed.success) return result;
  // Paths, and the messages of our own refinements: never anything quoted from the answer.
  const where = parsed.error.issues
    .map((issue) => `${issue.path.join('.') || '(result)'}${issue.code === 'custom' ? `: ${issue.message}` : ''}`)
    .slice(0, 3)
    .join(', ');
  throw new TransientError(`${action} failed: the provider's answer was not understood (${where}); the action will be retried.`, {
    code: 'unexpected_response',
  });
}
