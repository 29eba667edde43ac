/**
 * What Okta documents it answers, and the check that an answer is one. Anything else (a proxy's
 * page, `{}` where a list belongs, JSON cut short, a 200 where Okta answers 204) is an
 * `UnexpectedOktaAnswer`: the connector concludes nothing from it and the engine retries.
 *
 * Two layers, because the SDK's own parsing hides the difference: it turns a `text/html` body into
 * a list with one empty user per character, an empty body into an empty list, and hands `null`
 * items on as "no value". So the request executor checks the envelope on the raw response (status, JSON, a list of
 * objects or one object) before the SDK parses it, and the directory checks each object the SDK
 * made of it against the schemas below.
 */
import { z } from 'zod';

/** How a call's successful answer looks: JSON with 200, or Okta's 204 No Content for membership changes. */
export type OktaAnswerKind = 'json' | 'no_content';

/** An answer that is not what Okta documents for the request; `what` names the problem, never a value. */
export class UnexpectedOktaAnswer extends Error {
  override readonly name = 'UnexpectedOktaAnswer';

  constructor(
    readonly what: string,
    readonly requestId?: string,
  ) {
    super(`Okta's answer was not what Okta documents: ${what}.`);
  }
}

const nonBlank = z.string().refine((value) => value.trim().length > 0, 'must not be blank');
// Okta writes an unset profile attribute as null.
const optionalText = z.string().nullish().transform((value) => value ?? undefined);

/** A user as the Users API returns it; only the fields the connector reads. */
export const oktaUserSchema = z.object({
  id: nonBlank,
  status: nonBlank,
  profile: z.object({
    login: nonBlank,
    email: optionalText,
    firstName: optionalText,
    lastName: optionalText,
    displayName: optionalText,
  }),
});

/**
 * The type of Okta's Everyone group, to which every user of the org belongs ("Every user in Okta is
 * automatically a member of the Everyone group. This group cannot be deleted or renamed":
 * https://support.okta.com/help/s/article/The-Everyone-Group-in-Okta; "The default group Everyone
 * contains every person in your Okta org": https://help.okta.com/en/prod/Content/Topics/Directory/Directory_Groups.htm).
 * A user's group list without it is not Okta's answer.
 */
export const EVERYONE_GROUP_TYPE = 'BUILT_IN';

/** A group as the Groups API returns it. The type stays a string: `manageable` refuses all but OKTA_GROUP. */
export const oktaGroupSchema = z.object({
  id: nonBlank,
  type: nonBlank,
  profile: z.object({ name: nonBlank }),
});

/** The token endpoint's success answer (client credentials): without an access token, nothing can be signed. */
export const oktaTokenSchema = z.object({
  access_token: nonBlank,
  token_type: nonBlank,
});

/** `value` as `schema` describes it, or an `UnexpectedOktaAnswer` naming the fields that were wrong. */
export function readOktaAnswer<Schema extends z.ZodType>(schema: Schema, value: unknown, what: string): z.output<Schema> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const fields = [...new Set(parsed.error.issues.map((issue) => issue.path.join('.') || 'the whole answer'))].slice(0, 3);
  throw new UnexpectedOktaAnswer(`${what} with a missing or invalid ${fields.join(', ')}`);
}

/** Okta's management API answers `application/json` (with a charset); the SDK treats any `application/*json*` as JSON. */
const JSON_MEDIA_TYPE = /^application\/([\w.-]+\+)?json\s*(;|$)/i;

/**
 * What is wrong with the body of a 200 that should carry JSON, or undefined when it is one object
 * (`list` false) or a list of objects (`list` true), as Okta answers.
 */
export function jsonAnswerProblem(contentType: string | null, text: string, list: boolean): string | undefined {
  if (contentType === null || !JSON_MEDIA_TYPE.test(contentType)) {
    return `a body that is not JSON, Content-Type ${contentType === null ? 'missing' : contentType.split(';')[0]?.trim()}`;
  }
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return 'JSON that does not parse (cut short or malformed)';
  }
  if (list) {
    if (!Array.isArray(body)) return `${describe(body)} where Okta answers a list`;
    return body.every(isObject) ? undefined : 'a list with an item that is not an object';
  }
  return isObject(body) ? undefined : `${describe(body)} where Okta answers one object`;
}

const isObject = (value: unknown): boolean => value !== null && typeof value === 'object' && !Array.isArray(value);

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}
