import { Button, EmptyState, Inline, SectionMessage, Spinner, Stack, Text } from '@forge/react';
import React, { type ReactNode } from 'react';
import { errorText, type ClearwayError } from '../clearway-client';
import type { Loadable } from './use-clearway';

/** Refusals a retry cannot fix: the person is not allowed, or not signed in. */
const NOT_RETRYABLE = new Set(['forbidden', 'unauthenticated', 'wrong_surface', 'self_approval']);

export function Loading({ label }: { readonly label: string }) {
  return (
    <Inline space="space.100" alignBlock="center">
      <Spinner label={label} />
      <Text>{label}</Text>
    </Inline>
  );
}

/** A refused or failed call: the resolver's message (written for people), and a retry when one can help. */
export function ErrorNotice({ title, error, onRetry }: { readonly title: string; readonly error: ClearwayError; readonly onRetry?: () => void }) {
  const retryable = !NOT_RETRYABLE.has(error.code);
  return (
    <SectionMessage appearance={retryable ? 'error' : 'warning'} title={title}>
      <Stack space="space.100">
        <Text>{errorText(error)}</Text>
        {retryable && onRetry ? (
          <Inline>
            <Button onClick={onRetry}>Try again</Button>
          </Inline>
        ) : null}
      </Stack>
    </SectionMessage>
  );
}

export function Empty({ header, description }: { readonly header: string; readonly description: string }) {
  return <EmptyState header={header} description={description} width="wide" />;
}

/** Renders a read's three states: a spinner with `loading`, the refusal under `errorTitle`, or `children(data)`. */
export function Loaded<T>({
  state,
  loading,
  errorTitle,
  onRetry,
  children,
}: {
  readonly state: Loadable<T>;
  readonly loading: string;
  readonly errorTitle: string;
  readonly onRetry?: () => void;
  readonly children: (data: T) => ReactNode;
}) {
  if (state.status === 'loading') return <Loading label={loading} />;
  if (state.status === 'error') return <ErrorNotice title={errorTitle} error={state.error} {...(onRetry && { onRetry })} />;
  return <>{children(state.data)}</>;
}

/** What an action answered, shown above the table it changed. */
export type Notice = { readonly kind: 'success' | 'warning' | 'error' | 'information'; readonly title: string; readonly text: string };

export function NoticeMessage({ notice }: { readonly notice: Notice | undefined }) {
  if (!notice) return null;
  return (
    <SectionMessage appearance={notice.kind} title={notice.title}>
      <Text>{notice.text}</Text>
    </SectionMessage>
  );
}
