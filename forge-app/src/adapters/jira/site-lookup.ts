import { route } from '@forge/api';
import { z } from 'zod';
import { jiraAsApp, readIfFound, type JiraRequest } from './jira-request';

export interface ServiceDeskSummary {
  readonly id: string;
  readonly projectKey: string;
  readonly projectName: string;
}

export interface NamedItem {
  readonly id: string;
  readonly name: string;
}

export interface PersonSummary {
  readonly accountId: string;
  readonly displayName: string;
  /** `atlassian` for licensed users, `customer` for JSM portal customers, `app` for apps. */
  readonly accountType?: string;
}

/**
 * What the admin's pickers list from the site (service desks, request types, issue types, people,
 * groups), and the customer portal of a service desk, which the portal create panel checks.
 */
export interface SiteLookup {
  serviceDesks(): Promise<ServiceDeskSummary[]>;
  requestTypes(serviceDeskId: string): Promise<NamedItem[]>;
  /** The id of the service desk's customer portal; undefined when the desk does not exist or names none. */
  portalIdOf(serviceDeskId: string): Promise<string | undefined>;
  issueTypes(projectKey: string): Promise<NamedItem[]>;
  people(query: string): Promise<PersonSummary[]>;
  groups(query: string): Promise<NamedItem[]>;
}

const page = <T extends z.ZodType>(item: T) => z.object({ values: z.array(item) });
const numericId = z.union([z.string(), z.number()]).transform(String);
const serviceDesksSchema = page(z.object({ id: numericId, projectKey: z.string(), projectName: z.string() }));
// JSM's request type DTO names both ids: `serviceDeskId` and `portalId` ("ID of the customer portal associated with the service desk project").
const requestTypesSchema = page(z.object({ id: numericId, name: z.string(), portalId: numericId.optional() }));
const projectSchema = z.object({ issueTypes: z.array(z.object({ id: z.string(), name: z.string(), subtask: z.boolean().optional() })).default([]) });
const peopleSchema = z.array(z.object({ accountId: z.string(), displayName: z.string().default(''), accountType: z.string().optional(), active: z.boolean().optional() }));
const groupsSchema = z.object({ groups: z.array(z.object({ name: z.string(), groupId: z.string().optional() })) });

/** The first page of each list is enough for a picker: 50 service desks or request types, 20 people or groups. */
const PICKER_SIZE = 50;
const SEARCH_SIZE = 20;

/**
 * Lookups for the admin pages, as the app (only admins reach the lists; `portalIdOf` only feeds the
 * panel's check and is never shown). A missing service desk or project lists nothing; any other
 * Jira failure surfaces as `jira_unavailable`.
 */
export class JiraSiteLookup implements SiteLookup {
  constructor(private readonly request: JiraRequest = jiraAsApp) {}

  async serviceDesks(): Promise<ServiceDeskSummary[]> {
    const body = await readIfFound(this.request, 'Listing service desks', () => route`/rest/servicedeskapi/servicedesk?start=0&limit=${PICKER_SIZE}`);
    return body === undefined ? [] : serviceDesksSchema.parse(body).values;
  }

  async requestTypes(serviceDeskId: string): Promise<NamedItem[]> {
    return (await this.requestTypePage(serviceDeskId)).map(({ id, name }) => ({ id, name }));
  }

  /**
   * JSM's service desk answer carries no portal id; each of its request types does. One service
   * desk has one customer portal, so the first request type that names it is enough.
   */
  async portalIdOf(serviceDeskId: string): Promise<string | undefined> {
    return (await this.requestTypePage(serviceDeskId)).find((type) => type.portalId !== undefined)?.portalId;
  }

  private async requestTypePage(serviceDeskId: string): Promise<z.output<typeof requestTypesSchema>['values']> {
    const body = await readIfFound(this.request, 'Listing request types', () => route`/rest/servicedeskapi/servicedesk/${serviceDeskId}/requesttype?start=0&limit=${PICKER_SIZE}`);
    return body === undefined ? [] : requestTypesSchema.parse(body).values;
  }

  async issueTypes(projectKey: string): Promise<NamedItem[]> {
    const body = await readIfFound(this.request, 'Listing issue types', () => route`/rest/api/3/project/${projectKey}`);
    return body === undefined ? [] : projectSchema.parse(body).issueTypes.filter((type) => type.subtask !== true).map(({ id, name }) => ({ id, name }));
  }

  async people(query: string): Promise<PersonSummary[]> {
    const body = await readIfFound(this.request, 'Searching people', () => route`/rest/api/3/user/search?query=${query}&maxResults=${SEARCH_SIZE}`);
    if (body === undefined) return [];
    return peopleSchema.parse(body).filter((person) => person.active !== false).map(({ accountId, displayName, accountType }) => ({ accountId, displayName, ...(accountType !== undefined && { accountType }) }));
  }

  async groups(query: string): Promise<NamedItem[]> {
    const body = await readIfFound(this.request, 'Searching groups', () => route`/rest/api/3/groups/picker?query=${query}&maxResults=${SEARCH_SIZE}`);
    return body === undefined ? [] : groupsSchema.parse(body).groups.map((group) => ({ id: group.groupId ?? group.name, name: group.name }));
  }
}
