/**
 * What an admin prepares in Microsoft Entra, shipped as data: the Connectors page shows the steps
 * beside the form, and "Test connection" checks the granted permissions against the same list.
 */
import type { SetupGuide } from '@clearway/connector-sdk';

export interface GraphPermission {
  /** The Microsoft Graph application permission (app role) to add. */
  readonly name: string;
  readonly requiredFor: 'every connector' | 'creating groups';
  readonly why: string;
  /** Broader permissions that include this one, if an admin granted those instead. */
  readonly includedIn: readonly string[];
}

export const GRAPH_APPLICATION_PERMISSIONS: readonly GraphPermission[] = [
  {
    name: 'GroupMember.ReadWrite.All',
    requiredFor: 'every connector',
    why: 'Read the configured group and add and remove its members.',
    includedIn: ['Group.ReadWrite.All', 'Directory.ReadWrite.All'],
  },
  {
    name: 'User.Read.All',
    requiredFor: 'every connector',
    why: 'Find users by object ID, user principal name or mail, and see whether their account is enabled.',
    includedIn: ['User.ReadWrite.All', 'Directory.Read.All', 'Directory.ReadWrite.All'],
  },
  {
    name: 'Group.Create',
    requiredFor: 'creating groups',
    why: 'Create a configured group that does not exist yet. Not needed to bind existing groups.',
    includedIn: ['Group.ReadWrite.All', 'Directory.ReadWrite.All'],
  },
];

const steps = [
  '1. **Register an app.** In the Microsoft Entra admin center, open **Identity → Applications → App registrations → New registration**. Name it (e.g. *Clearway*), choose *Accounts in this organizational directory only*, and leave the redirect URI empty.',
  '2. **Copy its ids.** From the app\'s **Overview**, copy the **Application (client) ID** and the **Directory (tenant) ID** into the connector.',
  '3. **Add application permissions.** Under **API permissions → Add a permission → Microsoft Graph → Application permissions**, add **GroupMember.ReadWrite.All** and **User.Read.All**. Add **Group.Create** only if Clearway should create groups.',
  '4. **Grant admin consent.** Still under **API permissions**, choose **Grant admin consent for** your tenant (a Privileged Role Administrator or Global Administrator can). Each permission must show *Granted*.',
  '5. **Add a credential.** Under **Certificates & secrets**, either upload a certificate (recommended; paste the certificate and its unencrypted private key, PEM, into the connector) or create a **client secret** and paste its **Value** (not the Secret ID). Note when it expires.',
  '6. **Pick the configured group.** Use a **Security** group with **Assigned** membership: not dynamic, not mail-enabled or Microsoft 365, not synchronized from on-premises, not role-assignable. Bind it by its **Object ID** or exact name, or let Clearway create it.',
  '7. **Make the group grant the tool.** Assign the group to the AI tool\'s enterprise application (**Enterprise applications → the tool → Users and groups**) or use it in the tool\'s own SSO settings, then run **Test connection**.',
];

export const entraSetupGuide: SetupGuide = {
  steps: steps.join('\n'),
  permissions: GRAPH_APPLICATION_PERMISSIONS.map((permission) =>
    permission.requiredFor === 'every connector' ? permission.name : `${permission.name} (only if Clearway creates groups)`,
  ),
};
