/**
 * What an admin configures for a SCIM group connector: the non-secret settings (a zod schema the
 * admin form is rendered from) and the two secret fields, each tied to its auth mode with the
 * SDK's `requiredWhen`, so `connect()` asks for exactly the secret the mode needs.
 */
import { checkEndpointUrl, type SecretField } from '@clearway/connector-sdk';
import { z } from 'zod';

export const scimSettingsSchema = z
  .object({
    baseUrl: z
      .string()
      .trim()
      // The base is joined with "/Users", "/Groups": one trailing slash is the same base.
      .transform((value) => value.replace(/\/+$/, ''))
      .meta({
        title: 'SCIM base URL',
        description: 'The address the service documents for SCIM 2.0, up to and without /Users, e.g. https://api.example.com/scim/v2.',
      }),
    authMode: z
      .enum(['bearer', 'basic'])
      .default('bearer')
      .meta({
        title: 'Authentication',
        description: 'Bearer token (most services), or HTTP Basic with a user name and password.',
        choiceLabels: { bearer: 'Bearer token', basic: 'HTTP Basic (user name and password)' },
      }),
    username: z
      .string()
      .trim()
      .min(1)
      .max(256)
      .optional()
      .meta({ title: 'User name (Basic)', description: 'The user name for HTTP Basic authentication. Needed when Authentication is "basic".' }),
    memberLookup: z
      .enum(['group', 'filter'])
      .default('group')
      .meta({
        title: 'Member lookup',
        description:
          'group: read the group\'s members (GET /Groups/{id}?attributes=members; uses ETags when offered). filter: ask whether the user is a member (GET /Groups?filter=id eq … and members[value eq …]), for services that omit or truncate members in a group read.',
      }),
    memberRemoval: z
      .enum(['path_filter', 'value_list'])
      .default('path_filter')
      .meta({
        title: 'Member removal',
        description:
          'path_filter: {"op":"remove","path":"members[value eq \\"id\\"]"} (RFC 7644). value_list: {"op":"remove","path":"members","value":[{"value":"id"}]}, for services that only accept that form.',
      }),
    requestTimeoutMs: z
      .number()
      .int()
      .min(1_000)
      .max(60_000)
      .default(10_000)
      .meta({ title: 'Request timeout (ms)', description: 'Longest wait for one SCIM request, 1,000 to 60,000. The operation\'s own deadline also applies.' }),
    allowInsecureLoopback: z
      .boolean()
      .default(false)
      .meta({
        title: 'Allow plain http to a loopback simulator',
        description: 'Development only: lets the base URL be http://localhost, http://127.0.0.1 or http://[::1].',
        // A development setting: the app's connector form leaves it out.
        testOnly: true,
      }),
  })
  .superRefine((settings, ctx) => {
    const problem = checkEndpointUrl(settings.baseUrl, {
      allowPath: true,
      allowInsecureLoopback: settings.allowInsecureLoopback,
      example: 'https://api.example.com/scim/v2',
    });
    if (problem) ctx.addIssue({ code: 'custom', path: ['baseUrl'], message: problem });
    if (settings.authMode === 'basic' && !settings.username) {
      ctx.addIssue({ code: 'custom', path: ['username'], message: 'is needed when Authentication is "basic"' });
    }
  });

export type ScimSettings = z.output<typeof scimSettingsSchema>;

export type ScimSecretName = 'bearerToken' | 'password';

export const scimSecretFields: Readonly<Record<ScimSecretName, SecretField>> = {
  bearerToken: {
    label: 'Bearer token',
    description: 'The SCIM API token the service issued for provisioning. Sent as "Authorization: Bearer …", only to the base URL.',
    requiredWhen: { setting: 'authMode', equals: 'bearer' },
    sentTo: ['baseUrl'],
  },
  password: {
    label: 'Password (Basic)',
    description: 'The password (or API key) for HTTP Basic authentication.',
    requiredWhen: { setting: 'authMode', equals: 'basic' },
    sentTo: ['baseUrl'],
  },
};
