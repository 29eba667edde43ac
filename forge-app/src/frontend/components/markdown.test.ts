import { describe, expect, it } from 'vitest';
import { markdownBlocks } from './markdown';

describe('setup steps markdown', () => {
  it('turns paragraphs and lists into blocks, dropping inline marks', () => {
    expect(markdownBlocks('**Option A — API token**\n\n1. Open **Security → API**.\n2. Copy the `token`.\n\n- one\n- two\n\nA closing *note*\nover two lines.')).toEqual([
      { kind: 'paragraph', text: 'Option A — API token' },
      { kind: 'list', ordered: true, items: ['Open Security → API.', 'Copy the token.'] },
      { kind: 'list', ordered: false, items: ['one', 'two'] },
      { kind: 'paragraph', text: 'A closing note over two lines.' },
    ]);
  });
});
