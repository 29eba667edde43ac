/**
 * Reading the next page's cursor out of Okta's `Link` header. Okta documents the header as one
 * link per relation, `self` always and `next` while more pages remain, the end of the list as the
 * page without a `next` link, and the `after` cursor as "obtained from the `Link` response header":
 * https://developer.okta.com/docs/api/#link-header and https://developer.okta.com/docs/api/#pagination
 * (its example: `link: <https://{yourOktaDomain}/api/v1/logs?limit=20>; rel="self"` and
 * `link: <https://{yourOktaDomain}/api/v1/logs?limit=20&after=1627500044869_1>; rel="next"`, two
 * header lines, which HTTP clients hand on joined by ", ").
 */
import { describe, expect, it } from 'vitest';
import { UnexpectedOktaAnswer } from './okta-answers.js';
import { nextPageCursor } from './okta-links.js';

const ORG = 'https://acme.okta.com';
const LIST = `${ORG}/api/v1/groups/00g1fanEFIQHMQQJMHZP/users`;
const PAGE = `${LIST}?limit=200`;

const refusal = (link: string) => {
  try {
    nextPageCursor(link, PAGE);
  } catch (error) {
    if (error instanceof UnexpectedOktaAnswer) return error.what;
    throw error;
  }
  throw new Error('the link was accepted');
};

describe('nextPageCursor', () => {
  it("reads the after cursor of Okta's documented self and next links", () => {
    const link = `<${PAGE}>; rel="self", <${LIST}?limit=200&after=00u1f9cMYQZFMPVXIDIZ>; rel="next"`;
    expect(nextPageCursor(link, PAGE)).toBe('00u1f9cMYQZFMPVXIDIZ');
  });

  it('answers no cursor on the last page: only a self link, an empty header, or none at all', () => {
    expect(nextPageCursor(`<${PAGE}&after=00u1f9cMYQZFMPVXIDIZ>; rel="self"`, `${PAGE}&after=00u1f9cMYQZFMPVXIDIZ`)).toBeUndefined();
    expect(nextPageCursor('', PAGE)).toBeUndefined();
    expect(nextPageCursor(null, PAGE)).toBeUndefined();
  });

  it('accepts what RFC 8288 allows: any order, a relative target, rel among several, unquoted, other parameters', () => {
    expect(nextPageCursor(`</api/v1/groups/00g1fanEFIQHMQQJMHZP/users?after=00uB&limit=200>;rel=next, <${PAGE}>; rel="self"`, PAGE)).toBe('00uB');
    expect(nextPageCursor(`<${LIST}?after=00uC>; title="page, two; of many"; rel="prefetch NEXT"`, PAGE)).toBe('00uC');
  });

  it('decodes a percent-encoded cursor, as Okta would read it back', () => {
    expect(nextPageCursor(`<${LIST}?after=a%2Bb%3D>; rel="next"`, PAGE)).toBe('a+b=');
  });

  it('reads a header longer than the 2,000 characters past which the SDK takes it for "no next page"', () => {
    const self = `<${PAGE}&filler=${'x'.repeat(2_500)}>; rel="self"`;
    expect(nextPageCursor(`${self}, <${LIST}?after=00uD>; rel="next"`, PAGE)).toBe('00uD');
  });

  it.each([
    ['another host', `<https://evil.example/api/v1/groups/00g1fanEFIQHMQQJMHZP/users?after=00uB>; rel="next"`, 'another host'],
    ['the same host over http', `<http://acme.okta.com/api/v1/groups/00g1fanEFIQHMQQJMHZP/users?after=00uB>; rel="next"`, 'another host'],
    ['the same host on another port', `<https://acme.okta.com:8443/api/v1/groups/00g1fanEFIQHMQQJMHZP/users?after=00uB>; rel="next"`, 'another host'],
    ['a look-alike host', `<https://acme.okta.com.evil.example/api/v1/groups/00g1fanEFIQHMQQJMHZP/users?after=00uB>; rel="next"`, 'another host'],
    ['a protocol-relative target', `<//evil.example/api/v1/groups/00g1fanEFIQHMQQJMHZP/users?after=00uB>; rel="next"`, 'another host'],
    ["another group's members", `<${ORG}/api/v1/groups/00gOTHERGROUP000000/users?after=00uB>; rel="next"`, 'another path'],
    ['the users list', `<${ORG}/api/v1/users?after=00uB>; rel="next"`, 'another path'],
    ['no after cursor', `<${LIST}?limit=200>; rel="next"`, 'without an after cursor'],
    ['a blank after cursor', `<${LIST}?after=%20>; rel="next"`, 'without an after cursor'],
    ['two next links', `<${LIST}?after=00uB>; rel="next", <${LIST}?after=00uC>; rel="next"`, 'more than one next link'],
    ['a target that is not a URL', `<https://[bad>; rel="next"`, 'not a URL'],
    ['text that is no link at all', 'next page please', 'does not parse'],
    ['a link cut short', `<${LIST}?after=00uB`, 'does not parse'],
  ])('refuses a next link to %s', (_label, link, what) => {
    expect(refusal(link)).toContain(what);
  });

  it('gives up on a hostile header at once instead of backtracking over it', () => {
    const hostile = `<${LIST}>${'; a  '.repeat(5_000)}x`;
    const started = performance.now();
    expect(refusal(hostile)).toContain('does not parse');
    expect(performance.now() - started).toBeLessThan(200);
  });
});
