import { useCallback, useEffect, useRef, useState } from 'react';
import type { Page, ResolverKey, ResolverPayload, ResolverResults } from '../../resolvers/contract';
import { callClearway, type ClearwayError, type ClearwayResponse } from '../clearway-client';

/** What a surface shows while it reads: loading, the resolver's refusal, or the data. */
export type Loadable<T> = { readonly status: 'loading' } | { readonly status: 'error'; readonly error: ClearwayError } | { readonly status: 'ready'; readonly data: T };

const LOADING = { status: 'loading' } as const;

function settle<T>(answer: { readonly ok: true; readonly data: T } | { readonly ok: false; readonly error: ClearwayError }): Loadable<T> {
  return answer.ok ? { status: 'ready', data: answer.data } : { status: 'error', error: answer.error };
}

/**
 * Runs `load` when `trigger` changes (and on `reload`), keeping only the latest answer: a slow
 * answer to an old filter never overwrites a newer one, and nothing is set after unmount.
 */
function useLatest<T>(load: () => Promise<Loadable<T>>, trigger: string): { readonly state: Loadable<T>; readonly reload: () => void } {
  const [state, setState] = useState<Loadable<T>>(LOADING);
  const [round, setRound] = useState(0);
  const loadRef = useRef(load);
  loadRef.current = load;
  useEffect(() => {
    let current = true;
    setState(LOADING);
    void loadRef.current().then((next) => {
      if (current) setState(next);
    });
    return () => {
      current = false;
    };
  }, [trigger, round]);
  const reload = useCallback(() => setRound((value) => value + 1), []);
  return { state, reload };
}

/** Reads one resolver; reads again when the payload changes or `reload` is called. */
export function useClearway<K extends ResolverKey>(key: K, payload: ResolverPayload<K>): { readonly state: Loadable<ResolverResults[K]>; readonly reload: () => void } {
  const trigger = `${key} ${JSON.stringify(payload)}`;
  return useLatest(async () => settle<ResolverResults[K]>(await callClearway(key, payload)), trigger);
}

/** Keys whose answer is a page of records (`{ items, nextCursor }`). */
export type PagedKey = { [K in ResolverKey]: ResolverResults[K] extends Page<unknown> ? K : never }[ResolverKey];
export type ItemOf<K extends PagedKey> = ResolverResults[K] extends Page<infer T> ? T : never;
/** What a paged key takes besides the cursor and page size (filters). */
export type PageFilter<K extends PagedKey> = Omit<ResolverPayload<K>, 'cursor' | 'limit'>;

type PageResponse<T> = { readonly ok: true; readonly data: Page<T> } | { readonly ok: false; readonly error: ClearwayError };

async function readPage<K extends PagedKey>(key: K, filter: PageFilter<K>, limit: number, cursor: string | undefined): Promise<ClearwayResponse<K>> {
  // A page payload is the filter plus the page position; the contract's schema checks the whole.
  const payload = { ...filter, limit, ...(cursor !== undefined && { cursor }) } as ResolverPayload<K>;
  return callClearway(key, payload);
}

/** Every record of a list, up to a cap; `truncated` says the cap cut it short. */
export type AllPages<T> = { readonly ok: true; readonly items: readonly T[]; readonly truncated: boolean } | { readonly ok: false; readonly error: ClearwayError };

/** Reads every page of a list, up to `cap` records, for an export. */
export async function readAllPages<K extends PagedKey>(key: K, filter: PageFilter<K>, cap: number): Promise<AllPages<ItemOf<K>>> {
  const items: ItemOf<K>[] = [];
  let cursor: string | undefined;
  do {
    const answer = (await readPage(key, filter, 100, cursor)) as PageResponse<ItemOf<K>>;
    if (!answer.ok) return answer;
    items.push(...answer.data.items);
    cursor = answer.data.nextCursor;
  } while (cursor !== undefined && items.length < cap);
  return { ok: true, items: items.slice(0, cap), truncated: cursor !== undefined || items.length > cap };
}

export interface PagedList<T> {
  readonly state: Loadable<readonly T[]>;
  /** 1-based. */
  readonly pageNumber: number;
  readonly hasNext: boolean;
  readonly hasPrevious: boolean;
  readonly next: () => void;
  readonly previous: () => void;
  readonly reload: () => void;
}

/** A cursor-paged list shown one page at a time (Previous / Next); a filter change starts again at page 1. */
export function usePagedList<K extends PagedKey>(key: K, filter: PageFilter<K>, limit: number): PagedList<ItemOf<K>> {
  const filterKey = JSON.stringify(filter);
  // cursors[i] opens page i + 1; the first page has none.
  const [position, setPosition] = useState<{ readonly filterKey: string; readonly cursors: ReadonlyArray<string | undefined> }>({ filterKey, cursors: [undefined] });
  const cursors = position.filterKey === filterKey ? position.cursors : [undefined];
  const cursor = cursors[cursors.length - 1];
  const { state, reload } = useLatest(async () => settle<Page<ItemOf<K>>>((await readPage(key, filter, limit, cursor)) as PageResponse<ItemOf<K>>), `${key} ${filterKey} ${cursor ?? ''}`);
  const nextCursor = state.status === 'ready' ? state.data.nextCursor : undefined;
  return {
    state: state.status === 'ready' ? { status: 'ready', data: state.data.items } : state,
    pageNumber: cursors.length,
    hasNext: nextCursor !== undefined,
    hasPrevious: cursors.length > 1,
    next: () => {
      if (nextCursor !== undefined) setPosition({ filterKey, cursors: [...cursors, nextCursor] });
    },
    previous: () => setPosition({ filterKey, cursors: cursors.length > 1 ? cursors.slice(0, -1) : cursors }),
    reload,
  };
}

export interface GrowingList<T> {
  readonly state: Loadable<readonly T[]>;
  readonly hasMore: boolean;
  readonly loadingMore: boolean;
  /** A failed "Show more" keeps what was loaded and says why here. */
  readonly moreError?: ClearwayError;
  readonly loadMore: () => void;
  readonly reload: () => void;
}

interface MorePages<T> {
  /** The first page these follow: a reload starts over. */
  readonly after: Page<T>;
  readonly items: readonly T[];
  readonly cursor?: string;
  readonly loading: boolean;
  readonly error?: ClearwayError;
}

/** A cursor-paged list that grows with "Show more" (for queues worked top to bottom). */
export function useGrowingList<K extends PagedKey>(key: K, filter: PageFilter<K>, limit: number): GrowingList<ItemOf<K>> {
  const { state, reload } = useLatest(async () => settle<Page<ItemOf<K>>>((await readPage(key, filter, limit, undefined)) as PageResponse<ItemOf<K>>), `${key} ${JSON.stringify(filter)}`);
  const [more, setMore] = useState<MorePages<ItemOf<K>>>();
  if (state.status !== 'ready') return { state, hasMore: false, loadingMore: false, loadMore: () => undefined, reload };
  const first = state.data;
  const current: MorePages<ItemOf<K>> = more?.after === first ? more : { after: first, items: [], loading: false, ...(first.nextCursor !== undefined && { cursor: first.nextCursor }) };
  const loadMore = () => {
    const { cursor } = current;
    if (cursor === undefined || current.loading) return;
    setMore({ ...current, loading: true });
    void readPage(key, filter, limit, cursor).then((answer) => {
      setMore((before) => {
        if (before?.after !== first) return before;
        if (!answer.ok) return { ...before, loading: false, error: answer.error };
        const page = answer.data as Page<ItemOf<K>>;
        return { after: first, items: [...before.items, ...page.items], loading: false, ...(page.nextCursor !== undefined && { cursor: page.nextCursor }) };
      });
    });
  };
  return {
    state: { status: 'ready', data: [...first.items, ...current.items] },
    hasMore: current.cursor !== undefined,
    loadingMore: current.loading,
    ...(current.error !== undefined && { moreError: current.error }),
    loadMore,
    reload,
  };
}

/** For buttons that call a resolver: `busy` while one call runs, so a double click sends one. */
export function useBusy(): { readonly busy: boolean; readonly run: <T>(work: () => Promise<T>) => Promise<T | undefined> } {
  const [busy, setBusy] = useState(false);
  const running = useRef(false);
  const run = useCallback(async <T>(work: () => Promise<T>): Promise<T | undefined> => {
    if (running.current) return undefined;
    running.current = true;
    setBusy(true);
    try {
      return await work();
    } finally {
      running.current = false;
      setBusy(false);
    }
  }, []);
  return { busy, run };
}

/**
 * Runs `work` once typing pauses for `ms` (search-as-you-type: one lookup per pause, not per key),
 * and never after unmount.
 */
export function useDebounced<A extends unknown[]>(work: (...args: A) => void, ms = 250): (...args: A) => void {
  const timer = useRef<ReturnType<typeof setTimeout>>();
  const latest = useRef(work);
  latest.current = work;
  useEffect(() => () => clearTimeout(timer.current), []);
  return useCallback(
    (...args: A) => {
      clearTimeout(timer.current);
      timer.current = setTimeout(() => latest.current(...args), ms);
    },
    [ms],
  );
}
