import { z } from 'zod';

/**
 * What the portal create panel submits (`view.submit({ fields, isValid })`); JSM keeps it as an
 * issue property of the request it creates. The marker tells Clearway's form apart from any
 * other app's property on the same issue.
 */
export const PANEL_FORM_MARKER = 'clearway.request.v1';

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

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `fields` as an object, or as a list of `{ key | id | name, value }` field objects. */
function normalizeFields(fields: unknown): unknown {
  if (!Array.isArray(fields)) return fields;
  const entries = fields.flatMap((field: unknown) => {
    if (!isRecord(field)) return [];
    const name = field.key ?? field.id ?? field.name;
    return typeof name === 'string' ? [[name, field.value] as const] : [];
  });
  return Object.fromEntries(entries);
}

/**
 * Finds Clearway's form among an issue's properties. The property key JSM uses for a Forge panel
 * is not something Clearway relies on: any property whose `fields` (or whose value itself) is a
 * valid Clearway form counts. Anything malformed is ignored, never trusted.
 */
export function findPanelForm(properties: Readonly<Record<string, unknown>>): PanelForm | undefined {
  for (const value of Object.values(properties)) {
    if (!isRecord(value)) continue;
    for (const candidate of [normalizeFields(value.fields), value]) {
      const parsed = panelFormSchema.safeParse(candidate);
      if (parsed.success) return parsed.data;
    }
  }
  return undefined;
}
