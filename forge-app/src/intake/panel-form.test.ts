import { describe, expect, it } from 'vitest';
import { findPanelForm, PANEL_FORM_MARKER } from './panel-form';

describe('finding the create panel form among issue properties', () => {
  it('reads the form from `fields` as an object, whatever the property key', () => {
    expect(findPanelForm({ 'any-key': { fields: { form: PANEL_FORM_MARKER, toolId: 'chatgpt', durationDays: '14' }, isValid: true } })).toEqual({ form: PANEL_FORM_MARKER, toolId: 'chatgpt', durationDays: 14 });
  });

  it('reads the form from `fields` as a list of field objects', () => {
    const value = { fields: [{ key: 'form', value: PANEL_FORM_MARKER }, { id: 'newToolName', value: 'Perplexity' }, { name: 'newToolUrl', value: 'https://perplexity.ai' }], isValid: true };
    expect(findPanelForm({ panel: value })).toEqual({ form: PANEL_FORM_MARKER, newToolName: 'Perplexity', newToolUrl: 'https://perplexity.ai' });
  });

  it('ignores other apps’ properties and malformed forms', () => {
    expect(findPanelForm({ other: { fields: { toolId: 'chatgpt' } }, sd: 'text', list: [1, 2] })).toBeUndefined();
    expect(findPanelForm({ p: { fields: { form: PANEL_FORM_MARKER } } })).toBeUndefined();
    expect(findPanelForm({ p: { fields: { form: PANEL_FORM_MARKER, toolId: 'a', newToolName: 'Both' } } })).toBeUndefined();
    expect(findPanelForm({ p: { fields: { form: PANEL_FORM_MARKER, toolId: 'a', durationDays: 9_999 } } })).toBeUndefined();
    expect(findPanelForm({ p: { fields: { form: PANEL_FORM_MARKER, newToolName: 'X1', newToolUrl: 'javascript:alert(1)' } } })).toBeUndefined();
  });
});
