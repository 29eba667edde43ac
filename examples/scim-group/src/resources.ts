/**
 * The parts of SCIM resources (RFC 7643) and protocol messages (RFC 7644) the provider reads,
 * validated where they enter. Everything else a service sends is ignored, so extension schemas
 * and vendor attributes never break parsing.
 */
import { z } from 'zod';

export const SCHEMA = {
  group: 'urn:ietf:params:scim:schemas:core:2.0:Group',
  patchOp: 'urn:ietf:params:scim:api:messages:2.0:PatchOp',
  error: 'urn:ietf:params:scim:api:messages:2.0:Error',
  listResponse: 'urn:ietf:params:scim:api:messages:2.0:ListResponse',
} as const;

/** RFC 7643 §2.5: a service must not return null, but some do; null means unassigned. */
const optionalOf = <T extends z.ZodType>(schema: T) => schema.nullish().transform((value) => value ?? undefined);

/** RFC 7643 §3.1: `id` is required and names the resource in every later request; a blank one is not an id. */
const idSchema = z.string().regex(/\S/);

export const scimUserSchema = z.object({
  id: idSchema,
  userName: optionalOf(z.string()),
  displayName: optionalOf(z.string()),
  // RFC 7643 §4.1.1: "active" is optional; absent means the service has no such notion (active).
  active: optionalOf(z.union([z.boolean(), z.enum(['true', 'false']).transform((value) => value === 'true')])),
  emails: optionalOf(z.array(z.object({ value: optionalOf(z.string()), primary: optionalOf(z.boolean()) }))),
});
export type ScimUser = z.output<typeof scimUserSchema>;

/**
 * RFC 7643 §4.2: a member's `value` is its id (a member without one cannot be told from the user we
 * look for), `type` says "User" or "Group" (nested groups), `display` is a name for people to read.
 */
const memberSchema = z.object({ value: idSchema, type: optionalOf(z.string()), display: optionalOf(z.string()) });

export const scimGroupSchema = z.object({
  id: idSchema,
  displayName: optionalOf(z.string()),
  members: optionalOf(z.array(memberSchema)),
  meta: optionalOf(z.object({ version: optionalOf(z.string()) })),
});
export type ScimGroup = z.output<typeof scimGroupSchema>;

/**
 * RFC 7644 §3.4.2: `totalResults` is required, `Resources` only when it is not zero. An answer
 * without a count (`{}`, a proxy's empty object) or a count without resources is not a list a
 * search can conclude "nobody" or "not a member" from.
 */
export const listResponseOf = <T extends z.ZodType>(resource: T) =>
  z
    .object({
      totalResults: z.number().int().nonnegative(),
      Resources: optionalOf(z.array(resource)),
    })
    .refine((list) => list.totalResults === 0 || (list.Resources ?? []).length > 0, 'totalResults counts resources the answer does not hold');

/** RFC 7643 §5: the features we rely on. A service may omit any of them. */
export const serviceProviderConfigSchema = z.object({
  patch: optionalOf(z.object({ supported: optionalOf(z.boolean()) })),
  filter: optionalOf(z.object({ supported: optionalOf(z.boolean()), maxResults: optionalOf(z.number()) })),
  etag: optionalOf(z.object({ supported: optionalOf(z.boolean()) })),
});

/** RFC 7644 §3.12. `status` is a JSON string by the RFC; many services send a number. */
export const scimErrorSchema = z.object({
  schemas: optionalOf(z.array(z.string())),
  status: optionalOf(z.union([z.string(), z.number()])),
  scimType: optionalOf(z.string()),
  detail: optionalOf(z.string()),
});
