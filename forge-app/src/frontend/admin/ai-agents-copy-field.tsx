import { Button, HelperMessage, Inline, Label, Stack, Text, Textfield } from '@forge/react';
import React, { useState } from 'react';

/**
 * Writes `text` to the clipboard; false when the platform refuses. UI Kit offers no clipboard
 * API: its code runs in a frame of its own, which the click in Jira's page may not reach as a
 * user gesture, so the browser can refuse the write. The caller then says how to copy by hand.
 */
export async function copyText(text: string): Promise<boolean> {
  const clipboard = typeof navigator === 'undefined' ? undefined : navigator.clipboard;
  if (!clipboard) return false;
  try {
    await clipboard.writeText(text);
    return true;
  } catch {
    return false;
  }
}

/**
 * An address to hand out, with Copy. Chosen over `CodeBlock` (no copy action in UI Kit) and a
 * plain `Code` (selecting it takes the surrounding text too): a read-only, monospaced Textfield
 * that the admin can select whole (click, then Ctrl/⌘+A, Ctrl/⌘+C) whenever Copy is refused.
 */
export function CopyField({ name, label, value, helper }: { readonly name: string; readonly label: string; readonly value: string; readonly helper?: string }) {
  const [copied, setCopied] = useState<boolean>();
  return (
    <Stack space="space.050">
      <Label labelFor={name}>{label}</Label>
      <Inline space="space.100" alignBlock="center">
        <Textfield id={name} name={name} value={value} isReadOnly isMonospaced testId={`${name}-value`} />
        <Button testId={`${name}-copy`} onClick={() => void copyText(value).then(setCopied)}>
          Copy
        </Button>
      </Inline>
      {helper ? <HelperMessage>{helper}</HelperMessage> : null}
      {copied === true ? <Text color="color.text.success">Copied to your clipboard.</Text> : null}
      {copied === false ? <Text>Your browser did not let Clearway copy it: click the address, select it all (Ctrl+A or ⌘A) and copy it (Ctrl+C or ⌘C).</Text> : null}
    </Stack>
  );
}
