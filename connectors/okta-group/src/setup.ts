/**
 * What an Okta admin prepares before the connector works, shipped as data so the Connectors page
 * shows it next to the form. Keep it in step with the README's "Set up in Okta" section.
 */
import type { SetupGuide } from '@clearway/connector-sdk';
import { OKTA_SCOPES } from './settings.js';

const steps = `
**Option A — API service app with a private key (recommended)**

1. In the Okta Admin Console go to **Applications → Applications → Create App Integration** and choose **API Services**. Name it "Clearway".
2. Under **Client Credentials → Client authentication** choose **Public key / Private key**, click **Add key → Generate new key**, and copy the private key (PEM or JSON). Note its **KID**.
3. On the **Okta API Scopes** tab, grant \`okta.groups.manage\` and \`okta.users.read\`.
4. On the **Admin roles** tab, assign a role that can read users and manage the membership of the groups Clearway uses (see the permissions below). Okta does not give service apps a role by default.
5. In Clearway choose sign-in method **private_key** and enter the **Client ID**, the **Key ID** and the private key. "Require DPoP" may stay on: the connector answers Okta's DPoP nonce challenge.

**Option B — API token**

1. Sign in as the admin the token should act as (ideally a dedicated service admin with only the role below), then go to **Security → API → Tokens → Create token**.
2. In Clearway choose sign-in method **api_token** and paste the token without the "SSWS " prefix. The token acts with that admin's roles and expires after 30 days without use.

**Configured group** — bind each tool to an Okta group (type OKTA_GROUP) by id or exact name, or let Clearway create it. Imported groups (APP_GROUP, for example from Active Directory) and built-in groups (Everyone) are refused: Okta does not allow changing their membership. Assign the group to the tool's app in Okta so membership grants access.
`.trim();

export const oktaSetupGuide: SetupGuide = {
  steps,
  permissions: [
    ...OKTA_SCOPES.map((scope) => `OAuth scope ${scope} (private key sign-in)`),
    'Admin role that can view users (custom role permission "View users and their details", okta.users.read)',
    'Admin role that can manage the membership of the configured groups (custom role permissions "Manage group membership" and "Edit users\' group membership", scoped to those groups)',
    'Admin role that can create groups, only if Clearway should create configured groups (custom role permission "Create groups")',
  ],
};
