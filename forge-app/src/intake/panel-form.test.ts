/**
 * Where intake looks for the panel's form. The documented place (Forge module page for
 * `jiraServiceManagement:portalRequestCreatePropertyPanel`,
 * https://developer.atlassian.com/platform/forge/manifest-reference/modules/jira-service-management-portal-request-create-property-panel/):
 * "stored as an object containing your fields, under a property key matching the UUID component
 * of the app.id".
 */
import { describe, expect, it } from 'vitest';
import { findPanelForm, PANEL_FIELD_KEY, PANEL_FORM_MARKER } from './panel-form';

const APP_ID = 'd3adb33f-2ed0-4502-82f5-54ae21ea2f72';
const form = (extra: Record<string, unknown> = {}) => ({ form: PANEL_FORM_MARKER, toolId: 'chatgpt', durationDays: '14', ...extra });

describe('finding the create panel form among issue properties', () => {
  it('reads the field from the property keyed by the app id, as the docs say JSM stores it', () => {
    expect(findPanelForm({ [APP_ID]: { [PANEL_FIELD_KEY]: form() } }, APP_ID)).toEqual({ form: PANEL_FORM_MARKER, toolId: 'chatgpt', durationDays: 14 });
  });

  it('prefers the documented property over a form found anywhere else', () => {
    const properties = { elsewhere: { [PANEL_FIELD_KEY]: form({ toolId: 'planted' }) }, [APP_ID]: { [PANEL_FIELD_KEY]: form() } };
    expect(findPanelForm(properties, APP_ID)?.toolId).toBe('chatgpt');
    // Without the app id (no runtime to name it), the first place holding a valid form wins.
    expect(findPanelForm(properties)?.toolId).toBe('planted');
  });

  it('accepts the other plausible places: the submitted list kept as is, or a property per field', () => {
    expect(findPanelForm({ [APP_ID]: { fields: [{ key: PANEL_FIELD_KEY, value: form() }], isValid: true } }, APP_ID)?.toolId).toBe('chatgpt');
    expect(findPanelForm({ [APP_ID]: [{ key: 'other', value: 1 }, { key: PANEL_FIELD_KEY, value: form() }] }, APP_ID)?.toolId).toBe('chatgpt');
    expect(findPanelForm({ [PANEL_FIELD_KEY]: form({ toolId: 'cursor' }) })?.toolId).toBe('cursor');
    expect(findPanelForm({ 'some-key': { [PANEL_FIELD_KEY]: form({ toolId: 'claude' }) } }, APP_ID)?.toolId).toBe('claude');
  });

  it('accepts nothing that does not parse as Clearway’s form, wherever it is', () => {
    expect(findPanelForm({ [APP_ID]: { [PANEL_FIELD_KEY]: { toolId: 'chatgpt' } } }, APP_ID)).toBeUndefined();
    expect(findPanelForm({ [APP_ID]: { 'another-field': form() } }, APP_ID)).toBeUndefined();
    // The old, undocumented shape: `fields` as a plain object.
    expect(findPanelForm({ [APP_ID]: { fields: form(), isValid: true } }, APP_ID)).toBeUndefined();
    expect(findPanelForm({ [APP_ID]: form() }, APP_ID)).toBeUndefined();
    expect(findPanelForm({ other: { fields: { toolId: 'chatgpt' } }, sd: 'text', list: [1, 2] })).toBeUndefined();
    expect(findPanelForm({ [PANEL_FIELD_KEY]: { form: PANEL_FORM_MARKER } })).toBeUndefined();
    expect(findPanelForm({ p: { [PANEL_FIELD_KEY]: form({ newToolName: 'Both' }) } })).toBeUndefined();
    expect(findPanelForm({ p: { [PANEL_FIELD_KEY]: form({ durationDays: 9_999 }) } })).toBeUndefined();
    expect(findPanelForm({ p: { [PANEL_FIELD_KEY]: { form: PANEL_FORM_MARKER, newToolName: 'X1', newToolUrl: 'javascript:alert(1)' } } })).toBeUndefined();
    expect(findPanelForm({}, APP_ID)).toBeUndefined();
  });
});
