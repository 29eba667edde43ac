import { ClearwayError } from '@clearway/core';
import { reportGrant, reportSubject, type RunContext } from './context.js';
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
  const report = (what: string, detail: string) => (typeof about === 'string' ? reportSubject(ctx, 'calls', what, about, detail) : reportGrant(ctx, 'calls', what, about, detail));
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
