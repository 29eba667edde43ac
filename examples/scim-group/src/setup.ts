import type { SetupGuide } from '@clearway/connector-sdk';

/** What the admin prepares in the SCIM service; the Connectors page shows it beside the form. */
export const scimSetupGuide: SetupGuide = {
  steps: [
    '1. In the service\'s admin console, turn on **SCIM provisioning** (often under *Security*, *Identity* or *User provisioning*) and copy the **SCIM base URL** (it usually ends in `/scim/v2`).',
    '2. Create a **SCIM API token** (or provisioning credentials for HTTP Basic). Prefer a token for a dedicated provisioning account, not a person\'s.',
    '3. Create the group whose members get the tool (or let Clearway create it by name), and make that group grant the tool in the service.',
    '4. Paste the base URL and the token here, bind each tool to its group by id or exact name, and press **Test connection**.',
    'If the service never returns `members` when a group is read, set *Member lookup* to **filter**; if it refuses the RFC form of removal, set *Member removal* to **value_list**.',
  ].join('\n'),
  permissions: [
    'Read users (GET /Users with filters on userName and emails)',
    'Read groups (GET /Groups, GET /Groups/{id})',
    'Change group members (PATCH /Groups/{id})',
    'Create groups (POST /Groups), only if Clearway creates the configured group',
  ],
};
