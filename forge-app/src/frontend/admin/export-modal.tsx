import { CodeBlock, Stack, Text } from '@forge/react';
import React, { type ReactNode } from 'react';
import { InfoModal } from '../components/form-modal';

export interface ExportFile {
  readonly fileName: string;
  readonly content: string;
  readonly language: 'json' | 'text';
}

/**
 * UI Kit pages cannot hand the browser a file, so an export opens here: each file's name and its
 * full text to copy. (A download link needs the backend to store the file: see the README.)
 */
export function ExportTextModal({ title, summary, files, onClose, children }: { readonly title: string; readonly summary: string; readonly files: readonly ExportFile[]; readonly onClose: () => void; readonly children?: ReactNode }) {
  return (
    <InfoModal title={title} onClose={onClose} testId="export-result" width="x-large">
      <Text>{summary}</Text>
      {children}
      {files.map((file) => (
        <Stack key={file.fileName} space="space.050">
          <Text weight="bold">{`Save as ${file.fileName}`}</Text>
          <CodeBlock text={file.content} language={file.language} showLineNumbers={false} shouldWrapLongLines />
        </Stack>
      ))}
    </InfoModal>
  );
}
