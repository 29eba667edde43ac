import { Button, Inline, LoadingButton, Text } from '@forge/react';
import React from 'react';
import { errorText } from '../clearway-client';
import type { GrowingList, PagedList } from './use-clearway';

/** "Show more" under a growing list, with the reason when the next page could not be read. */
export function ShowMore({ list }: { readonly list: GrowingList<unknown> }) {
  if (!list.hasMore && !list.moreError) return null;
  return (
    <Inline space="space.100" alignBlock="center">
      {list.hasMore ? (
        <LoadingButton isLoading={list.loadingMore} onClick={list.loadMore}>
          Show more
        </LoadingButton>
      ) : null}
      {list.moreError ? <Text color="color.text.danger">{errorText(list.moreError)}</Text> : null}
    </Inline>
  );
}

/** Previous / Next under a list read one page at a time. */
export function Pager({ list }: { readonly list: PagedList<unknown> }) {
  if (!list.hasPrevious && !list.hasNext) return null;
  return (
    <Inline space="space.100" alignBlock="center">
      <Button isDisabled={!list.hasPrevious} onClick={list.previous}>
        Previous page
      </Button>
      <Text>{`Page ${list.pageNumber}`}</Text>
      <Button isDisabled={!list.hasNext} onClick={list.next}>
        Next page
      </Button>
    </Inline>
  );
}
