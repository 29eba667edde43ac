import { z } from 'zod';

/**
 * What the portal create panel submits and how intake finds it again on the request JSM creates.
 *
 * The panel calls `view.submit({ fields: [{ key, value }], isValid })` (Forge module docs:
 * `fields` is a list of field objects). JSM keeps the fields "as an object containing your
 * fields, under a property key matching the UUID component of the `app.id`" (same page), so
 * Clearway's form is the value of one field, `PANEL_FIELD_KEY`. The marker tells Clearway's form
 * apart from anything else a property may hold.
 */
export const PANEL_FORM_MARKER = 'clearway.request.v1';

/** The key of the one field the panel submits (the UI keeps its own copy; a test keeps them equal). */
export const PANEL_FIELD_KEY = 'clearway-request';

export const panelFormSchema = z
  .object({
    form: z.literal(PANEL_FORM_MARKER),
    /** A catalog tool, or … */
    toolId: z.string().trim().min(1).max(64).optional(),
    /** … "Request new tool", with an optional URL. */
    newToolName: z.string().trim().min(2).max(120).optional(),
    newToolUrl: z.url({ protocol: /^https?$/ }).optional(),
    durationDays: z.coerce.number().int().min(1).max(365).optional(),
    /** Optional: when empty, the purpose comes from the request's summary and description. */
    purpose: z.string().trim().max(2_000).optional(),
  })
  .strict()
  .refine((form) => (form.toolId === undefined) !== (form.newToolName === undefined), { message: 'choose one tool: a catalog tool or a new tool', path: ['toolId'] });

export type PanelForm = z.output<typeof panelFormSchema>;
export type PanelFormInput = z.input<typeof panelFormSchema>;

/** The `view.submit` payload, in the documented shape. */
export interface PanelSubmission {
  readonly fields: ReadonlyArray<{ readonly key: string; readonly value: PanelFormInput }>;
  readonly isValid: boolean;
}

const fieldListSchema = z.array(z.object({ key: z.string(), value: z.unknown() }).loose());

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function parseForm(candidate: unknown): PanelForm | undefined {
  const parsed = panelFormSchema.safeParse(candidate);
  return parsed.success ? parsed.data : undefined;
}

/** Clearway's field in a list of `{ key, value }` field objects. */
function fromFieldList(fields: unknown): PanelForm | undefined {
  const list = fieldListSchema.safeParse(fields);
  return list.success ? parseForm(list.data.find((field) => field.key === PANEL_FIELD_KEY)?.value) : undefined;
}

/**
 * Clearway's form inside one stored property: the documented `{ [field key]: value }` object,
 * or the submitted payload itself (`{ fields: [...] }`, or the bare list) should a site keep that.
 */
function fromStoredFields(value: unknown): PanelForm | undefined {
  if (Array.isArray(value)) return fromFieldList(value);
  if (!isRecord(value)) return undefined;
  return parseForm(value[PANEL_FIELD_KEY]) ?? fromFieldList(value.fields);
}

/**
 * Finds Clearway's form among an issue's properties. First where the Forge docs say JSM stores
 * the panel's fields: the property keyed by this app's id (`appPropertyKey`, when the runtime
 * names it). Then the other places a site could plausibly keep them: Clearway's fields under any
 * other property key, or a property per field keyed `PANEL_FIELD_KEY`. Whatever the place, only a
 * value that parses as Clearway's form (marker and schema) counts; anything else is ignored.
 */
export function findPanelForm(properties: Readonly<Record<string, unknown>>, appPropertyKey?: string): PanelForm | undefined {
  const documented = appPropertyKey === undefined ? undefined : fromStoredFields(properties[appPropertyKey]);
  if (documented) return documented;
  for (const [key, value] of Object.entries(properties)) {
    const form = (key === PANEL_FIELD_KEY ? parseForm(value) : undefined) ?? fromStoredFields(value);
    if (form) return form;
  }
  return undefined;
}
