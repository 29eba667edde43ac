/** The shortest purpose core accepts, and the longest. */
const MIN_PURPOSE = 10;
const MAX_PURPOSE = 2_000;

function tidy(text: string): string {
  return text.replace(/[ \t]+/g, ' ').replace(/\n{3,}/g, '\n\n').trim();
}

/**
 * The request's purpose: what the requester typed in the panel, or else the request's own
 * summary and description (the native JSM fields), so a request is never without context.
 */
export function purposeFrom(input: { readonly panelPurpose?: string; readonly summary: string; readonly description: string }): string {
  const panel = tidy(input.panelPurpose ?? '');
  const summary = tidy(input.summary);
  const description = tidy(input.description);
  const fromIssue = description.length === 0 ? summary : summary.length === 0 || description.startsWith(summary) ? description : `${summary}\n\n${description}`;
  const purpose = panel.length >= MIN_PURPOSE ? panel : panel.length > 0 ? tidy(`${panel}\n\n${fromIssue}`) : fromIssue;
  return purpose.slice(0, MAX_PURPOSE);
}
