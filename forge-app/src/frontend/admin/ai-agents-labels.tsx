import { Lozenge } from '@forge/react';
import React from 'react';

/** A rule's or the default's effect. */
export function EffectLozenge({ effect }: { readonly effect: 'allow' | 'deny' }) {
  return <Lozenge appearance={effect === 'allow' ? 'success' : 'removed'}>{effect}</Lozenge>;
}

/** What happened to a recorded call, in the log's words. */
export function DecisionLozenge({ decision }: { readonly decision: 'allowed' | 'blocked' }) {
  return (
    <Lozenge appearance={decision === 'allowed' ? 'success' : 'removed'} isBold={decision === 'blocked'}>
      {decision === 'allowed' ? 'Allowed' : 'Blocked'}
    </Lozenge>
  );
}

/** `*` in a rule is any AI client. */
export function clientText(client: string): string {
  return client === '*' ? 'any client' : client;
}

/** 900 B, 12.4 KB, 3.1 MB: response sizes. */
export function byteSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}

/** 0.4 ms, 12 ms, 1.2 s: latencies. */
export function latency(ms: number): string {
  if (ms < 10) return `${Math.round(ms * 10) / 10} ms`;
  if (ms < 1000) return `${Math.round(ms)} ms`;
  return `${(ms / 1000).toFixed(1)} s`;
}
