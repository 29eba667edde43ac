import { describe, expect, it } from 'vitest';
import { purposeFrom } from './enrich';

describe('the request purpose', () => {
  it('is what the requester typed in the panel', () => {
    expect(purposeFrom({ panelPurpose: 'Summarising support tickets', summary: 'AI access', description: 'Long text' })).toBe('Summarising support tickets');
  });

  it('comes from the summary and description when the panel has none', () => {
    expect(purposeFrom({ summary: 'Access to ChatGPT', description: 'Drafting release notes for the mobile app' })).toBe('Access to ChatGPT\n\nDrafting release notes for the mobile app');
    expect(purposeFrom({ summary: 'Drafting', description: 'Drafting release notes' })).toBe('Drafting release notes');
    expect(purposeFrom({ summary: 'Only a summary here', description: '' })).toBe('Only a summary here');
  });

  it('adds the issue context to a panel purpose too short to stand alone, and stays within 2,000 characters', () => {
    expect(purposeFrom({ panelPurpose: 'Docs', summary: 'Access to Claude', description: '' })).toBe('Docs\n\nAccess to Claude');
    expect(purposeFrom({ summary: 's', description: 'x'.repeat(5_000) })).toHaveLength(2_000);
  });
});
