/**
 * Okta's `Link` header on a list page, read strictly enough that paging can be handed to the
 * engine: the next page is known only by the `after` cursor of Okta's own `next` link, and only
 * when that link stays on the same org origin and the same list path. The engine stores the
 * cursor and hands it back; it never holds a URL a credential would be sent to.
 *
 * Okta: "Pagination links are included in the Link header of responses. It is important to follow
 * these Link header values instead of constructing your own URLs", the `after` cursor "is obtained
 * from the `Link` response header", and the end of the list is "the point where you don't receive
 * another `next` link" (https://developer.okta.com/docs/api/#link-header).
 */
import { UnexpectedOktaAnswer } from './okta-answers.js';

/**
 * One link-value of RFC 8288: `<target>` followed by `;`-separated parameters (a quoted value may
 * hold `,` or `;`). Each run of whitespace belongs to exactly one part of the pattern, so a hostile
 * header cannot make it backtrack.
 */
const LINK_VALUE = /^\s*<([^>]*)>((?:\s*;\s*[\w!#$%&'*+.^`|~-]+(?:\s*=\s*(?:"(?:[^"\\]|\\.)*"|[^\s;,"]*))?)*)\s*(?:,|$)/;
const LINK_PARAM = /;\s*([\w!#$%&'*+.^`|~-]+)(?:\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^\s;,"]*)))?/g;

/** The targets of the links whose `rel` (a space-separated list, case-insensitive) includes `relation`. */
function linkTargets(header: string, relation: string): string[] {
  const targets: string[] = [];
  let rest = header;
  while (rest.trim().length > 0) {
    const value = LINK_VALUE.exec(rest);
    if (!value) throw new UnexpectedOktaAnswer('a Link header that does not parse');
    const [whole, target = '', params = ''] = value;
    for (const [, name = '', quoted, bare] of params.matchAll(LINK_PARAM)) {
      if (name.toLowerCase() !== 'rel') continue;
      const relations = (quoted ?? bare ?? '').toLowerCase().split(/\s+/);
      if (relations.includes(relation)) targets.push(target);
    }
    rest = rest.slice(whole.length);
  }
  return targets;
}

/**
 * The `after` cursor of the page after the one read from `pageUrl`, or undefined on the last page
 * (no `next` link). A `next` link to another origin or path, one without a cursor, or a header that
 * does not parse is not Okta's answer: following it could send the credential elsewhere, and
 * ignoring it could end the list early.
 */
export function nextPageCursor(link: string | null, pageUrl: string): string | undefined {
  if (link === null) return undefined;
  const targets = linkTargets(link, 'next');
  if (targets.length === 0) return undefined;
  if (targets.length > 1) throw new UnexpectedOktaAnswer('a Link header with more than one next link');
  const page = new URL(pageUrl);
  let next: URL;
  try {
    next = new URL(targets[0] ?? '', page);
  } catch {
    throw new UnexpectedOktaAnswer('a next link that is not a URL');
  }
  if (next.origin !== page.origin) throw new UnexpectedOktaAnswer('a next link to another host than the org URL');
  if (next.pathname !== page.pathname) throw new UnexpectedOktaAnswer('a next link to another path than the list being read');
  const after = next.searchParams.get('after');
  if (after === null || after.trim().length === 0) throw new UnexpectedOktaAnswer('a next link without an after cursor');
  return after;
}
