/** Atlassian Document Format: Jira Cloud's v3 API takes comments and descriptions as ADF only. */
export interface AdfNode {
  readonly type: string;
  readonly text?: string;
  readonly content?: readonly AdfNode[];
  readonly version?: number;
}

/** Plain text as an ADF document: one paragraph per blank-line-separated block, lines joined by hard breaks. */
export function textToAdf(text: string): AdfNode {
  const blocks = text.split(/\n\s*\n/).map((block) => block.trim()).filter((block) => block.length > 0);
  return {
    type: 'doc',
    version: 1,
    content: (blocks.length > 0 ? blocks : ['']).map((block) => ({
      type: 'paragraph',
      content: block.split('\n').flatMap((line, index): AdfNode[] => [...(index > 0 ? [{ type: 'hardBreak' }] : []), ...(line.length > 0 ? [{ type: 'text', text: line }] : [])]),
    })),
  };
}

const BLOCK_TYPES = new Set(['paragraph', 'heading', 'listItem', 'blockquote', 'codeBlock', 'rule', 'panel', 'tableRow']);

/** The readable text of an ADF document (a description), for request context. Unknown shapes give ''. */
export function adfToText(node: unknown, depth = 0): string {
  if (depth > 40 || typeof node !== 'object' || node === null) return typeof node === 'string' ? node : '';
  const { type, text, content } = node as { type?: unknown; text?: unknown; content?: unknown };
  if (type === 'text' && typeof text === 'string') return text;
  if (type === 'hardBreak') return '\n';
  const inner = Array.isArray(content) ? content.map((child) => adfToText(child, depth + 1)).join('') : '';
  return typeof type === 'string' && BLOCK_TYPES.has(type) ? `${inner}\n` : inner;
}
