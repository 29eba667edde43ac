import type { z } from 'zod';

/** What the admin reads for one setting zod refused: its form title, and what is wrong in words, never the value typed. */
function problemText(issue: z.core.$ZodIssue, raw: unknown, titles: ReadonlyMap<string, string>): string {
  const [first] = issue.path;
  const key = issue.path.join('.');
  // The form's title for the admin, and the setting's own name for whoever writes the settings as JSON (the CLI's --config).
  const title = typeof first === 'string' ? titles.get(first) : undefined;
  const name = typeof first !== 'string' ? 'The settings' : title !== undefined && title !== key ? `${title} (${key})` : key;
  const given = issue.path.reduce<unknown>((value, key) => (value !== null && typeof value === 'object' ? (value as Record<PropertyKey, unknown>)[key] : undefined), raw);
  switch (issue.code) {
    case 'invalid_type':
      if (given === undefined || given === null) return `${name} is required`;
      return `${name} must be ${issue.expected === 'boolean' ? 'on or off' : issue.expected === 'string' ? 'text' : `a ${issue.expected}`}`;
    case 'too_small':
      if (issue.origin === 'string') return Number(issue.minimum) <= 1 ? `${name} cannot be empty` : `${name} must be at least ${String(issue.minimum)} characters`;
      return `${name} must be at least ${String(issue.minimum)}`;
    case 'too_big':
      return issue.origin === 'string' ? `${name} must be at most ${String(issue.maximum)} characters` : `${name} must be at most ${String(issue.maximum)}`;
    case 'invalid_value':
      return `${name} must be one of ${issue.values.map((value) => String(value)).join(', ')}`;
    case 'invalid_format':
      return `${name} is not a valid ${issue.format === 'url' ? 'URL' : issue.format}`;
    case 'unrecognized_keys':
      return `there is no setting named ${issue.keys.join(', ')}`;
    default:
      // Custom checks (superRefine) are the provider's own words, written for the admin.
      return `${name}: ${issue.message}`;
  }
}

/**
 * The problems of a provider's settings in the admin's words: each setting named by its form title
 * and its name ("Okta org URL (orgUrl) is required"), never zod's wording ("orgUrl: Invalid input:
 * expected string, received undefined") and never a value.
 */
export function describeConfigProblems(issues: readonly z.core.$ZodIssue[], raw: unknown, titles: ReadonlyMap<string, string>): string[] {
  return issues.map((issue) => problemText(issue, raw, titles));
}
