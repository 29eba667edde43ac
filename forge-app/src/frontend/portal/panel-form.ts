import type { PanelFormInput, PanelSubmission } from '../../intake/panel-form';
import type { ToolSummary } from '../../resolvers/contract';
import { wholeNumber } from '../components/format';

/**
 * What the portal create panel hands JSM (`view.submit({ fields, isValid })`), built from what the
 * customer typed, and the checks that make it valid. The marker and the field key must equal
 * intake's (a test keeps them equal: the UI bundles nothing of the backend).
 */
export const PANEL_FORM_MARKER = 'clearway.request.v1';
export const PANEL_FIELD_KEY = 'clearway-request';

/**
 * Where the panel does not apply: no fields, and valid, so it never holds the portal's Create
 * back. (`fields` must stay a list: the module docs define it as one, and a site drops anything else.)
 */
export const NOTHING_TO_SUBMIT: PanelSubmission = { fields: [], isValid: true };

/** The Select value that stands for "Request new tool". */
export const NEW_TOOL = '__new_tool__';

/** Longest duration a request for a tool outside the catalog may ask for (intake's limit; approvers may shorten it). */
export const NEW_TOOL_MAX_DAYS = 365;
const NEW_TOOL_DEFAULT_DAYS = 30;

export interface PanelDraft {
  /** A catalog tool id, `NEW_TOOL`, or nothing chosen yet. */
  readonly tool?: string;
  readonly newToolName: string;
  readonly newToolUrl: string;
  readonly durationDays: string;
  /** True once the customer typed a duration: choosing another tool then keeps it. */
  readonly durationEdited: boolean;
  readonly purpose: string;
}

export const EMPTY_DRAFT: PanelDraft = { newToolName: '', newToolUrl: '', durationDays: '', durationEdited: false, purpose: '' };

export type PanelField = 'tool' | 'newToolName' | 'newToolUrl' | 'durationDays' | 'purpose';
export type PanelProblems = Partial<Record<PanelField, string>>;

/** The durations a request may ask for: the tool's requestable maximum (governance may allow less than the tool). */
export function durationLimit(draft: PanelDraft, tools: readonly ToolSummary[], newToolMax = NEW_TOOL_MAX_DAYS): { readonly max: number; readonly default: number } | undefined {
  if (draft.tool === NEW_TOOL) return { max: newToolMax, default: Math.min(NEW_TOOL_DEFAULT_DAYS, newToolMax) };
  const tool = tools.find((candidate) => candidate.id === draft.tool);
  return tool ? { max: tool.requestableMaxDays, default: Math.min(tool.defaultDurationDays, tool.requestableMaxDays) } : undefined;
}

function isWebAddress(text: string): boolean {
  try {
    const url = new URL(text);
    return (url.protocol === 'https:' || url.protocol === 'http:') && url.hostname.includes('.');
  } catch {
    return false;
  }
}

/** Every problem with the draft, in words for the customer; empty means JSM may create the request. */
export function checkPanelDraft(draft: PanelDraft, tools: readonly ToolSummary[], newToolMax?: number): PanelProblems {
  const problems: PanelProblems = {};
  const limit = durationLimit(draft, tools, newToolMax);
  if (!limit) problems.tool = 'Choose the AI tool you need.';
  if (draft.tool === NEW_TOOL) {
    const name = draft.newToolName.trim();
    if (name.length < 2) problems.newToolName = 'Give the name of the tool (at least 2 characters).';
    else if (name.length > 120) problems.newToolName = 'Keep the name under 120 characters.';
    const url = draft.newToolUrl.trim();
    if (url !== '' && !isWebAddress(url)) problems.newToolUrl = 'Enter the tool’s web address, starting with https://';
  }
  if (limit) {
    const days = wholeNumber(draft.durationDays);
    if (days === undefined || days < 1 || days > limit.max) problems.durationDays = `Enter a whole number of days from 1 to ${limit.max}.`;
  }
  if (draft.purpose.trim().length > 2_000) problems.purpose = 'Keep the purpose under 2,000 characters.';
  return problems;
}

/** The form intake reads back from the request's issue property. */
export function panelForm(draft: PanelDraft): PanelFormInput {
  const days = wholeNumber(draft.durationDays);
  const purpose = draft.purpose.trim();
  const url = draft.newToolUrl.trim();
  return {
    form: PANEL_FORM_MARKER,
    ...(draft.tool === NEW_TOOL ? { newToolName: draft.newToolName.trim(), ...(url !== '' && { newToolUrl: url }) } : draft.tool !== undefined ? { toolId: draft.tool } : {}),
    ...(days !== undefined && { durationDays: days }),
    ...(purpose !== '' && { purpose }),
  };
}

/** The documented `view.submit` payload: Clearway's form as the value of its one field. */
export function panelSubmission(draft: PanelDraft, isValid: boolean): PanelSubmission {
  return { fields: [{ key: PANEL_FIELD_KEY, value: panelForm(draft) }], isValid };
}

/** Choosing a tool fills in its default duration, unless the customer already typed one. */
export function chooseTool(draft: PanelDraft, tool: string | undefined, tools: readonly ToolSummary[], newToolMax?: number): PanelDraft {
  const next: PanelDraft = { ...draft, tool };
  const limit = durationLimit(next, tools, newToolMax);
  return draft.durationEdited || !limit ? next : { ...next, durationDays: String(limit.default) };
}
