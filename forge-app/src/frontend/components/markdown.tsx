import { List, ListItem, Stack, Text } from '@forge/react';
import React from 'react';

/**
 * Providers ship their setup steps as short markdown (paragraphs, numbered and bulleted lists,
 * **bold** and `code`). UI Kit has no markdown renderer, so the blocks become Text and List
 * elements and the inline marks are dropped: the words are what matter.
 */
type Block = { readonly kind: 'paragraph'; readonly text: string } | { readonly kind: 'list'; readonly ordered: boolean; readonly items: readonly string[] };

const ORDERED = /^\s*\d+\.\s+/;
const BULLET = /^\s*[-*]\s+/;

function plain(text: string): string {
  return text
    .replace(/\*\*(.+?)\*\*/g, '$1')
    .replace(/`([^`]+)`/g, '$1')
    .replace(/\*(.+?)\*/g, '$1')
    .trim();
}

export function markdownBlocks(markdown: string): Block[] {
  return markdown
    .split(/\n\s*\n/)
    .map((chunk) => chunk.split('\n').filter((line) => line.trim() !== ''))
    .filter((lines) => lines.length > 0)
    .map((lines): Block => {
      const ordered = lines.every((line) => ORDERED.test(line));
      if (ordered || lines.every((line) => BULLET.test(line))) {
        return { kind: 'list', ordered, items: lines.map((line) => plain(line.replace(ordered ? ORDERED : BULLET, ''))) };
      }
      return { kind: 'paragraph', text: plain(lines.join(' ')) };
    });
}

export function Markdown({ markdown }: { readonly markdown: string }) {
  return (
    <Stack space="space.100">
      {markdownBlocks(markdown).map((block, index) =>
        block.kind === 'paragraph' ? (
          <Text key={index}>{block.text}</Text>
        ) : (
          <List key={index} type={block.ordered ? 'ordered' : 'unordered'}>
            {block.items.map((item, itemIndex) => (
              <ListItem key={itemIndex}>{item}</ListItem>
            ))}
          </List>
        ),
      )}
    </Stack>
  );
}
