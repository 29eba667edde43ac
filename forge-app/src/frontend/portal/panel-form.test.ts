import { describe, expect, it } from 'vitest';
import { findPanelForm, panelFormSchema, PANEL_FIELD_KEY, PANEL_FORM_MARKER } from '../../intake/panel-form';
import type { ToolSummary } from '../../resolvers/contract';
import { checkPanelDraft, chooseTool, EMPTY_DRAFT, NEW_TOOL, NOTHING_TO_SUBMIT, panelForm, panelSubmission, PANEL_FIELD_KEY as UI_FIELD_KEY, PANEL_FORM_MARKER as UI_MARKER } from './panel-form';

const chatgpt = { id: 'chatgpt', name: 'ChatGPT Enterprise', defaultDurationDays: 30, maxDurationDays: 90, requestableMaxDays: 90 } as ToolSummary;

describe('portal panel form', () => {
  it('carries the marker and the field key intake looks for', () => {
    expect(UI_MARKER).toBe(PANEL_FORM_MARKER);
    expect(UI_FIELD_KEY).toBe(PANEL_FIELD_KEY);
  });

  it("fills in the tool's default duration unless one was typed", () => {
    expect(chooseTool(EMPTY_DRAFT, 'chatgpt', [chatgpt]).durationDays).toBe('30');
    expect(chooseTool({ ...EMPTY_DRAFT, durationDays: '7', durationEdited: true }, 'chatgpt', [chatgpt]).durationDays).toBe('7');
    expect(chooseTool(EMPTY_DRAFT, NEW_TOOL, [chatgpt]).durationDays).toBe('30');
  });

  it("checks the duration against the chosen tool's limit", () => {
    const draft = chooseTool(EMPTY_DRAFT, 'chatgpt', [chatgpt]);
    expect(checkPanelDraft(draft, [chatgpt])).toEqual({});
    expect(checkPanelDraft({ ...draft, durationDays: '91' }, [chatgpt])).toEqual({ durationDays: 'Enter a whole number of days from 1 to 90.' });
    expect(checkPanelDraft({ ...draft, durationDays: '2.5' }, [chatgpt])).toEqual({ durationDays: 'Enter a whole number of days from 1 to 90.' });
    expect(checkPanelDraft(EMPTY_DRAFT, [chatgpt])).toEqual({ tool: 'Choose the AI tool you need.' });
  });

  it('hands intake only forms its own schema accepts', () => {
    const catalog = chooseTool({ ...EMPTY_DRAFT, purpose: '  drafting docs ' }, 'chatgpt', [chatgpt]);
    expect(panelFormSchema.parse(panelForm(catalog))).toEqual({ form: PANEL_FORM_MARKER, toolId: 'chatgpt', durationDays: 30, purpose: 'drafting docs' });
    const fresh = chooseTool({ ...EMPTY_DRAFT, newToolName: ' Perplexity ', newToolUrl: 'https://perplexity.ai' }, NEW_TOOL, [chatgpt]);
    expect(checkPanelDraft(fresh, [chatgpt])).toEqual({});
    expect(panelFormSchema.parse(panelForm(fresh))).toEqual({ form: PANEL_FORM_MARKER, newToolName: 'Perplexity', newToolUrl: 'https://perplexity.ai', durationDays: 30 });
    expect(checkPanelDraft({ ...fresh, newToolUrl: 'ftp://x.example' }, [chatgpt])).toEqual({ newToolUrl: 'Enter the tool’s web address, starting with https://' });
  });

  it('submits `fields` as a list of { key, value } field objects, as the module docs define it', () => {
    const draft = chooseTool(EMPTY_DRAFT, 'chatgpt', [chatgpt]);
    const submission = panelSubmission(draft, true);
    expect(submission).toEqual({ fields: [{ key: PANEL_FIELD_KEY, value: { form: PANEL_FORM_MARKER, toolId: 'chatgpt', durationDays: 30 } }], isValid: true });
    expect(NOTHING_TO_SUBMIT).toEqual({ fields: [], isValid: true });
    // Stored the documented way (field key → value under the app's property), intake reads it back.
    const stored = { app: Object.fromEntries(submission.fields.map((field) => [field.key, field.value])) };
    expect(findPanelForm(stored, 'app')).toEqual({ form: PANEL_FORM_MARKER, toolId: 'chatgpt', durationDays: 30 });
  });

  it('limits durations to what governance allows now, for catalog tools and new tools alike', () => {
    const cursor = { ...chatgpt, id: 'cursor', maxDurationDays: 180, requestableMaxDays: 30, defaultDurationDays: 60 } as ToolSummary;
    const draft = chooseTool(EMPTY_DRAFT, 'cursor', [cursor]);
    expect(draft.durationDays).toBe('30');
    expect(checkPanelDraft({ ...draft, durationDays: '31' }, [cursor])).toEqual({ durationDays: 'Enter a whole number of days from 1 to 30.' });
    const newTool = chooseTool({ ...EMPTY_DRAFT, newToolName: 'Napkin' }, NEW_TOOL, [], 14);
    expect(newTool.durationDays).toBe('14');
    expect(checkPanelDraft({ ...newTool, durationDays: '15' }, [], 14)).toEqual({ durationDays: 'Enter a whole number of days from 1 to 14.' });
  });
});
