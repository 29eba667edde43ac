/**
 * The simulated Atlassian site against what Jira documents:
 * - JQL errors come back as Jira words them: "Field '…' does not exist or you do not have permission
 *   to view it", "The value '…' does not exist for the field 'project'."
 *   (https://support.atlassian.com/jira/kb/how-to-handle-http-400-bad-request-errors-on-jira-search-rest-api-endpoint),
 *   and a malformed query as "Error in the JQL Query: Expecting operator but got 'query'. The valid
 *   operators are … (line 1, character 9)" — the parse endpoint's own example for "invalid query"
 *   (https://developer.atlassian.com/cloud/jira/platform/rest/v3/api-group-jql/#api-rest-api-3-jql-parse-post).
 * - statusCategory takes "To Do", "In Progress" or "Done"; text searches summary, description and
 *   comments; currentUser() is the caller (https://support.atlassian.com/jira-software-cloud/docs/jql-fields/).
 */
import { describe, expect, it } from 'vitest';
import { AtlassianSite, AtlassianSiteError } from './atlassian-site.js';
import { DEFAULT_ATLASSIAN_SEED, atlassianSeedOrDefault, type AtlassianSeed } from './seed.js';

const ANA = 'ana.alvarez@example.com';
const BEN = 'ben.baker@example.com';

function defaultSite(now = () => Date.parse('2026-12-07T10:00:00.000Z')) {
  const site = new AtlassianSite(atlassianSeedOrDefault({}), { now });
  const id = (email: string) => site.account(email)?.accountId ?? '';
  return { site, ana: id(ANA), ben: id(BEN), chloe: id('chloe.chen@example.com') };
}

const keys = (issues: ReadonlyArray<{ key: string }>) => issues.map((issue) => issue.key);

function jqlError(site: AtlassianSite, jql: string): string {
  try {
    site.search(jql, '');
  } catch (error) {
    if (error instanceof AtlassianSiteError && error.code === 'invalid_jql') return error.message;
    throw error;
  }
  throw new Error(`"${jql}" was accepted`);
}

describe('AtlassianSite: seeding', () => {
  it('gives `atlassian: {}` the default site, and a seed that names anything exactly that', () => {
    const { site } = defaultSite();
    expect(site.accounts.size).toBe(DEFAULT_ATLASSIAN_SEED.accounts.length);
    expect(keys([...site.issues.values()])).toEqual(['OPS-1', 'OPS-2', 'OPS-3', 'ENG-1', 'ENG-2']);
    expect([...site.pages.values()].map((page) => page.title)).toEqual(['Onboarding checklist', 'Using AI tools at work']);

    const own: AtlassianSeed = { accounts: [{ name: 'Dee Diaz', email: 'dee@example.com' }], issues: [{ project: 'SUP', summary: 'Reset my password' }] };
    const small = new AtlassianSite(atlassianSeedOrDefault(own));
    expect([...small.accounts.values()].map((account) => account.emailAddress)).toEqual(['dee@example.com']);
    expect(small.issue('sup-1')).toMatchObject({ key: 'SUP-1', status: 'To Do', issueType: 'Task', reporterId: small.account('dee@example.com')?.accountId });
    expect(small.pages.size).toBe(0);
  });

  it('derives the same account ids from the same emails on every run', () => {
    const first = defaultSite().ana;
    expect(first).toMatch(/^712020:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(defaultSite().ana).toBe(first);
    expect(defaultSite().ben).not.toBe(first);
  });

  it('refuses a seed that names a person it does not list', () => {
    expect(() => new AtlassianSite({ accounts: [{ name: 'Dee', email: 'dee@example.com' }], issues: [{ project: 'SUP', summary: 'x', assignee: 'nobody@example.com' }] })).toThrow(/nobody@example.com/);
  });
});

describe('AtlassianSite: tokens', () => {
  it('maps an issued token to its account until revoked, and never a token it did not issue', () => {
    const { site, ana } = defaultSite();
    const token = site.issueToken(ANA);
    expect(token).not.toContain(ana);
    expect(site.accountForToken(token)?.accountId).toBe(ana);
    expect(site.accountForToken(`${token}x`)).toBeUndefined();
    site.revokeToken(token);
    expect(site.accountForToken(token)).toBeUndefined();
  });

  it('does not let an inactive account in', () => {
    const site = new AtlassianSite({ accounts: [{ name: 'Gone', email: 'gone@example.com', active: false }] });
    expect(site.accountForToken(site.issueToken('gone@example.com'))).toBeUndefined();
  });
});

describe('AtlassianSite: JQL search', () => {
  it('reads project, statusCategory, status, currentUser() and text, joined by AND, in the order asked', () => {
    const { site, ana, ben } = defaultSite();
    expect(keys(site.search('project = OPS AND statusCategory != Done ORDER BY created DESC', ana))).toEqual(['OPS-2', 'OPS-1']);
    expect(keys(site.search('project = "IT Operations" ORDER BY created ASC', ana))).toEqual(['OPS-1', 'OPS-2', 'OPS-3']);
    expect(keys(site.search('status = "In Progress" ORDER BY created DESC', ana))).toEqual(['ENG-2', 'OPS-1']);
    expect(keys(site.search('assignee = currentUser()', ben))).toEqual(['ENG-1']);
    expect(keys(site.search('assignee = currentUser() AND statusCategory != Done', ana))).toEqual(['OPS-1']);
    // "duplex" is in OPS-3's summary; "roller" only in its comment.
    expect(keys(site.search('text ~ "roller"', ana))).toEqual(['OPS-3']);
    expect(keys(site.search('text ~ "certificate" AND project = ops', ana))).toEqual(['OPS-1']);
    expect(keys(site.search('statusCategory = "To Do" AND issuetype = Bug', ana))).toEqual(['ENG-1']);
  });

  it('like Jira, never lets != select an issue whose field is empty', () => {
    const { site, ana } = defaultSite();
    // OPS-2 has no assignee: neither `= Ana` nor `!= Ana` selects it.
    const notAna = keys(site.search(`assignee != ${ana}`, ana));
    expect(notAna).not.toContain('OPS-2');
    expect(notAna.sort()).toEqual(['ENG-1', 'ENG-2', 'OPS-3']);
  });

  it('puts an issue created now after every seeded one, even within the same millisecond', () => {
    const { site, ana } = defaultSite(() => 0);
    const first = site.createIssue({ projectKey: 'OPS', issueTypeName: 'task', summary: 'First' }, ana);
    const second = site.createIssue({ projectKey: 'OPS', issueTypeName: 'Task', summary: 'Second' }, ana);
    expect(keys(site.search('project = OPS ORDER BY created DESC', ana)).slice(0, 3)).toEqual([second.key, first.key, 'OPS-3']);
    expect(second.key).toBe('OPS-5');
  });

  it.each([
    ['projct = OPS', "Field 'projct' does not exist or you do not have permission to view it."],
    ['project = NOPE', "The value 'NOPE' does not exist for the field 'project'."],
    ['status = Blocked', "The value 'Blocked' does not exist for the field 'status'."],
    ['invalid query', "Error in the JQL Query: Expecting operator but got 'query'. The valid operators are '=', '!=', '<', '>', '<=', '>=', '~', '!~', 'IN', 'NOT IN', 'IS' and 'IS NOT'. (line 1, character 9)"],
    ['project = OPS project = ENG', "Error in the JQL Query: Expecting either 'OR' or 'AND' but got 'project'. (line 1, character 15)"],
    ['project = AND', "Error in the JQL Query: Expecting either a value, list or function but got 'AND'. You must surround 'AND' in quotation marks to use it as a value. (line 1, character 11)"],
    ['project ~ OPS', "The operator '~' is not supported by the 'project' field."],
    ['text = word', "The operator '=' is not supported by the 'text' field."],
    ['assignee = nobodyKnows()', "Unable to find JQL function 'nobodyKnows()'."],
    ['summary ~ "unfinished', 'Error in the JQL Query: The quoted string "unfinished has not been completed. (line 1, character 11)'],
    ['project = OPS ORDER BY rank', "Not able to sort using field 'rank'."],
    ['ORDER BY created DESC', 'Unbounded JQL queries are not allowed here. Please add a search restriction to your query.'],
  ])('refuses %j as Jira words it', (jql, message) => {
    expect(jqlError(defaultSite().site, jql)).toBe(message);
  });

  it.each(['project = OPS OR project = ENG', 'project IN (OPS, ENG)', 'assignee IS EMPTY', '(project = OPS)', 'NOT project = OPS', 'created > -7d'])(
    'refuses valid JQL it does not read, %j, with an Error in the JQL Query that says what it reads',
    (jql) => {
      expect(jqlError(defaultSite().site, jql)).toMatch(/^Error in the JQL Query: .* is valid JQL the simulator does not read\. The simulated site reads .* \(line 1, character \d+\)$/);
    },
  );
});

describe('AtlassianSite: changes', () => {
  it('moves an issue along the workflow by transition id, and refuses the transition into its own status', () => {
    const { site } = defaultSite();
    expect(site.transitionsOf(site.getIssue('OPS-2')).map((transition) => transition.id)).toEqual(['21', '31']);
    expect(site.transitionIssue('OPS-2', '21').status).toBe('In Progress');
    expect(site.transitionIssue('OPS-2', '31').status).toBe('Done');
    expect(() => site.transitionIssue('OPS-2', '31')).toThrow("Transition id '31' is not valid for this issue.");
  });

  it('edits only the fields it knows, as Jira refuses a field not on the edit screen', () => {
    const { site, ben } = defaultSite();
    site.editIssue('OPS-2', { summary: 'Laptops for the April starters', assignee: { accountId: ben } });
    expect(site.getIssue('OPS-2')).toMatchObject({ summary: 'Laptops for the April starters', assigneeId: ben });
    expect(() => site.editIssue('OPS-2', { priority: { name: 'High' } })).toThrow("priority: Field 'priority' cannot be set. It is not on the appropriate screen, or unknown.");
    expect(() => site.editIssue('OPS-2', { assignee: { accountId: 'nobody' } })).toThrow("The value 'nobody' does not exist for the field 'assignee'.");
    expect(site.getIssue('OPS-2').assigneeId).toBe(ben);
  });

  it('numbers page versions from 1 and refuses a second page with the same title in a space', () => {
    const { site, ana, ben } = defaultSite();
    const space = site.spaceByKey('IT');
    if (!space) throw new Error('fixture');
    const page = site.createPage({ spaceId: space.id, title: 'VPN how-to', body: 'v1' }, ana);
    expect(page.version).toMatchObject({ number: 1, authorId: ana });
    expect(site.updatePage({ pageId: page.id, body: 'v2', versionMessage: 'clearer' }, ben).version).toMatchObject({ number: 2, message: 'clearer', authorId: ben });
    expect(() => site.createPage({ spaceId: space.id, title: 'vpn HOW-TO', body: 'again' }, ana)).toThrow('A page with this title already exists');
    expect(() => site.getPage('999')).toThrow('No content found with id: ContentId{id=999}');
  });
});
