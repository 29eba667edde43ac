import type { GovernanceRules, GovernanceVersion } from '@clearway/core';
import { useState } from 'react';
import { callClearway, type ClearwayError } from '../clearway-client';
import type { Notice } from '../components/states';
import { useBusy, useClearway, type Loadable } from '../components/use-clearway';

export interface GovernanceDraft {
  readonly state: Loadable<GovernanceVersion>;
  /** The rules as edited, or as saved when nothing was edited yet. */
  readonly rules: GovernanceRules | undefined;
  readonly dirty: boolean;
  readonly edit: (change: (rules: GovernanceRules) => GovernanceRules) => void;
  readonly save: (note: string) => Promise<void>;
  readonly discard: () => void;
  readonly busy: boolean;
  readonly notice: Notice | undefined;
  readonly error: ClearwayError | undefined;
  readonly reload: () => void;
}

/**
 * The governance policy as Intake & Approvals and Governance edit it: both change parts of the
 * same versioned rules, and every save creates a new version (decisions record the one in force).
 * The draft is always the whole rules as the backend answered them, edited in place: a save sends
 * every part back, so the parts a tab does not show (exceptions, delegations) keep their values
 * instead of falling back to the schema's defaults.
 */
export function useGovernanceDraft(): GovernanceDraft {
  const { state, reload } = useClearway('governance.current', {});
  const [edited, setEdited] = useState<{ readonly base: GovernanceVersion; readonly rules: GovernanceRules }>();
  const [notice, setNotice] = useState<Notice>();
  const [error, setError] = useState<ClearwayError>();
  const { busy, run } = useBusy();
  const current = state.status === 'ready' ? state.data : undefined;
  // Edits made on an older version are dropped when a newer one loads.
  const draft = edited && current && edited.base === current ? edited.rules : current?.rules;
  return {
    state,
    rules: draft,
    // A never-saved policy (the defaults) can be saved as it is: that makes version 1.
    dirty: draft !== current?.rules || current?.policyVersion === 0,
    edit: (change) => {
      if (!current || !draft) return;
      setNotice(undefined);
      setEdited({ base: current, rules: change(draft) });
    },
    save: async (note) => {
      await run(async () => {
        if (!draft) return;
        const answer = await callClearway('governance.update', { rules: draft, ...(note.trim() !== '' && { note: note.trim() }) });
        if (!answer.ok) {
          setError(answer.error);
          return;
        }
        setError(undefined);
        setEdited(undefined);
        setNotice({ kind: 'success', title: `Saved as governance policy version ${answer.data.policyVersion}`, text: 'Decisions from now on record this version.' });
        reload();
      });
    },
    discard: () => setEdited(undefined),
    busy,
    notice,
    error,
    reload,
  };
}
