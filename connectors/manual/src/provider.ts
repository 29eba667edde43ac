/**
 * The manual provider: for tools no directory controls, or before a connector is set up. Clearway
 * cannot act, so add and remove hand a person a task; check answers from what that person
 * recorded (Mark fulfilled / Mark deprovisioned / Mark verified).
 */
import { z } from 'zod';
import { defineProvider, type ExternalIdentity, type GroupRef, type ManualTask } from '@clearway/connector-sdk';

const settings = z.object({
  instructions: z
    .string()
    .max(2_000)
    .optional()
    .meta({ title: 'Instructions for the person fulfilling', description: 'Where to grant and remove access, e.g. the vendor admin console URL.' }),
});

function who(identity: ExternalIdentity): string {
  return identity.displayName ?? identity.email ?? identity.login ?? identity.id;
}

function where(group: GroupRef): string {
  return group.name ?? group.id;
}

export const manualProvider = defineProvider({
  type: 'manual',
  displayName: 'Manual fulfillment',
  description: 'A person grants and removes access by hand; Clearway tracks the task and records the confirmation.',
  configSchema: settings,
  secrets: {},
  capabilities: { createGroups: false, maxBatchSize: 1, membershipCheck: 'manual', manual: true },
  setup: {
    steps: [
      'Nothing to set up in an identity provider.',
      'Bind a tool to this connector and name the **access target** (the workspace, licence pool or group a person manages).',
      'Approvers then see each provisioning, deprovisioning and verification task under **Approvals → Manual provisioning actions**.',
    ].join('\n\n'),
    permissions: [],
  },

  create({ config, host }) {
    const task = (action: ManualTask['action'], summary: string): ManualTask => ({
      action,
      summary,
      ...(config.instructions !== undefined && { instructions: config.instructions }),
    });

    return {
      async test() {
        const canVerify = host.manualConfirmation !== undefined;
        return {
          ok: canVerify,
          checks: [
            { name: 'Manual tasks', passed: true, message: 'Provisioning and deprovisioning will be assigned to approvers as manual tasks.' },
            {
              name: 'Confirmation records',
              passed: canVerify,
              message: canVerify
                ? 'Confirmations recorded by approvers answer membership checks.'
                : 'This host records no manual confirmations, so membership checks cannot be answered.',
            },
          ],
        };
      },

      async resolveIdentity(_ctx, subject) {
        // No directory to search: the person fulfilling works from the best handle we have.
        if (subject.mappedExternalId) return { outcome: 'resolved', identity: identityOf(subject.mappedExternalId, subject), matchedBy: 'mapping' };
        if (subject.email) return { outcome: 'resolved', identity: identityOf(subject.email, subject), matchedBy: 'email' };
        return { outcome: 'resolved', identity: identityOf(subject.accountId, subject), matchedBy: 'account' };
      },

      async bindGroup(_ctx, spec) {
        const id = spec.groupId ?? spec.name ?? '';
        return { group: { id, name: spec.name ?? id }, outcome: 'bound' };
      },

      async add(_ctx, group, identity) {
        return { outcome: 'pending_manual', task: task('provision', `Give ${who(identity)} access to ${where(group)}`) };
      },

      async remove(_ctx, group, identity) {
        return { outcome: 'pending_manual', task: task('deprovision', `Remove ${who(identity)}'s access to ${where(group)}`) };
      },

      async check(_ctx, group, identity) {
        const confirmation = await host.manualConfirmation?.(group, identity);
        if (!confirmation) {
          return { outcome: 'pending_manual', task: task('verify', `Verify whether ${who(identity)} has access to ${where(group)}`) };
        }
        return { outcome: confirmation.member ? 'member' : 'not_member', via: 'manual_confirmation' };
      },
    };
  },
});

function identityOf(id: string, subject: { email?: string; displayName?: string }): ExternalIdentity {
  return {
    id,
    ...(subject.email !== undefined && { email: subject.email }),
    ...(subject.displayName !== undefined && { displayName: subject.displayName }),
  };
}
