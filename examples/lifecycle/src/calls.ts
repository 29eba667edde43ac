import { ClearwayError } from '@clearway/core';
import { reportGrant, reportSubject, worldFingerprint, type RunContext } from './context.js';
import type { GrantRecord, Prediction } from './record.js';

export type CallOutcome<T> =
  /** It did what the rules said it would: succeeded as predicted, or was refused with the predicted code. */
  | { readonly as: 'predicted'; readonly value?: T }
  /** Succeeded although the rules refuse it: Clearway now holds something the record does not. */
  | { readonly as: 'accepted_wrongly'; readonly value: T }
  /** Refused although the rules allow it, or refused with another code or an untyped error: nothing changed. */
  | { readonly as: 'refused_wrongly' };

/**
 * Makes one call whose outcome the rules decide in advance, and reports it when it comes out
 * otherwise: a success that should have been refused, a refusal of something allowed, a refusal
 * with another code than the rule's, or an error that is not a typed `ClearwayError`.
 */
export async function expectOutcome<T>(ctx: RunContext, label: string, prediction: Prediction, call: () => Promise<T>, about: GrantRecord | string): Promise<CallOutcome<T>> {
  const report = (what: string, detail: string) => reportCall(ctx, about, what, detail);
  let value: T;
  try {
    value = await call();
  } catch (error) {
    if (!(error instanceof ClearwayError)) {
      report(`${label}: failed with an untyped error`, error instanceof Error ? `${error.name}: ${error.message}` : String(error));
      return { as: 'refused_wrongly' };
    }
    if ('ok' in prediction) {
      report(`${label}: refused though the rules allow it`, `${error.code}: ${error.message}`);
      return { as: 'refused_wrongly' };
    }
    if (error.code !== prediction.refused) {
      report(`${label}: refused with the wrong code`, `expected ${prediction.refused} (${prediction.why}), got ${error.code}: ${error.message}`);
      return { as: 'refused_wrongly' };
    }
    return { as: 'predicted' };
  }
  if ('refused' in prediction) {
    report(`${label}: accepted though the rules refuse it`, `expected ${prediction.refused}: ${prediction.why}`);
    return { as: 'accepted_wrongly', value };
  }
  return { as: 'predicted', value };
}

/**
 * `expectOutcome`, and when the rules refuse the call, what Clearway holds (every record, what it
 * wrote to Jira) must be exactly as before it: a refusal changes nothing.
 */
export async function expectOutcomeUnchangedIfRefused<T>(ctx: RunContext, label: string, prediction: Prediction, call: () => Promise<T>, about: GrantRecord | string): Promise<CallOutcome<T>> {
  const before = 'refused' in prediction ? worldFingerprint(ctx) : undefined;
  const outcome = await expectOutcome(ctx, label, prediction, call, about);
  if (before !== undefined && outcome.as === 'predicted' && worldFingerprint(ctx) !== before) {
    reportCall(ctx, about, `${label}: refused, but what Clearway holds changed`, `refused as ${'refused' in prediction ? prediction.refused : '?'} (${'refused' in prediction ? prediction.why : ''}); its records or Jira differ from before the call`);
  }
  return outcome;
}

function reportCall(ctx: RunContext, about: GrantRecord | string, what: string, detail: string): void {
  if (typeof about === 'string') reportSubject(ctx, 'calls', what, about, detail);
  else reportGrant(ctx, 'calls', what, about, detail);
}
