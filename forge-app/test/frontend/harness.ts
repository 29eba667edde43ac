/**
 * Renders a UI Kit surface in vitest the way Forge runs it: the real `@forge/react` reconciler
 * emits its forge doc (`{ type, props, children }`) over the bridge, and the real `@forge/bridge`
 * sends `invoke` over it too. A mounted surface answers those invokes with the real resolver
 * definitions over the fake platform (`AppWorld`), or with canned answers for a key; tests query
 * the forge doc and call the handler props (`onClick`, `onChange`, `onSubmit`) as the host would.
 */
import ForgeReconciler from '@forge/react';
import { createElement, useState, type ComponentType, type ReactNode } from 'react';
import { afterEach, expect } from 'vitest';
import { SURFACE_KEYS, type ResolverKey, type SurfaceFunction } from '../../src/resolvers/contract';
import type { AppWorld } from '../../src/test-support/app-world';
import { setBridgeHandler } from './fake-bridge';

export interface ForgeNode {
  readonly type: string;
  readonly props: Readonly<Record<string, unknown>>;
  readonly children: readonly ForgeNode[];
}

export type Answer = (payload: unknown) => unknown;

export interface MountOptions {
  readonly surface: SurfaceFunction;
  /** The installation the resolvers run against. */
  readonly world?: AppWorld;
  /** Who is looking (the platform's account id). */
  readonly accountId?: string;
  /** The module context the platform reports (portal modules: portal, request type, issue). */
  readonly extension?: Record<string, unknown>;
  /** Canned answers for some keys, instead of the resolvers. */
  readonly answers?: Partial<Record<ResolverKey, Answer>>;
}

export interface Invocation {
  readonly key: string;
  readonly payload: Record<string, unknown>;
}

/** A promise that never settles: the surface stays in its loading state. */
export function pending(): Promise<never> {
  return new Promise<never>(() => undefined);
}

/** An answer the test settles when it wants: `answer` is what the surface receives. */
export function deferred(): { readonly answer: Promise<unknown>; readonly settle: (value: unknown) => void } {
  let settle: (value: unknown) => void = () => undefined;
  const answer = new Promise<unknown>((resolve) => {
    settle = resolve;
  });
  return { answer, settle };
}

export function failure(code: string, message: string, extra: Record<string, unknown> = {}) {
  return { ok: false, error: { code, message, ...extra } };
}

const clone = <T>(value: T): T => (value === undefined ? value : (JSON.parse(JSON.stringify(value)) as T));
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Props whose value is text the person sees, besides the String children. */
const TEXT_PROPS = ['header', 'description', 'title', 'label'] as const;

export function textOf(node: ForgeNode): string {
  if (node.type === 'String') return String(node.props.text);
  const own = TEXT_PROPS.map((prop) => node.props[prop]).filter((value): value is string => typeof value === 'string');
  const inner = node.children.map((child) => (child.type === 'String' ? textOf(child) : ` ${textOf(child)} `)).join('');
  return [...own, inner].join(' ').replace(/\s+/g, ' ').trim();
}

function walk(node: ForgeNode, visit: (node: ForgeNode) => void): void {
  visit(node);
  for (const child of node.children) walk(child, visit);
}

function dump(node: ForgeNode, depth = 0): string {
  if (node.type === 'String') return `${'  '.repeat(depth)}"${String(node.props.text)}"`;
  const props = Object.entries(node.props)
    .filter(([, value]) => typeof value !== 'function' && typeof value !== 'object')
    .map(([name, value]) => `${name}=${JSON.stringify(value)}`)
    .join(' ');
  return [`${'  '.repeat(depth)}<${node.type}${props ? ` ${props}` : ''}>`, ...node.children.map((child) => dump(child, depth + 1))].join('\n');
}

type Predicate = (node: ForgeNode) => boolean;

export class Screen {
  readonly invocations: Invocation[] = [];
  /** What the surface handed the host with `view.submit` (the portal create panel's form). */
  readonly submissions: unknown[] = [];
  /** Keys invoked that the surface's resolver function does not define. */
  readonly foreignKeys: string[] = [];
  root: ForgeNode | undefined;
  hide: (() => void) | undefined;

  constructor(readonly options: MountOptions) {}

  doc(): ForgeNode {
    if (!this.root) throw new Error('The surface has not rendered.');
    return this.root;
  }

  text(): string {
    return textOf(this.doc());
  }

  all(predicate: Predicate, within: ForgeNode = this.doc()): ForgeNode[] {
    const found: ForgeNode[] = [];
    walk(within, (node) => {
      if (predicate(node)) found.push(node);
    });
    return found;
  }

  find(predicate: Predicate, within?: ForgeNode): ForgeNode | undefined {
    return this.all(predicate, within)[0];
  }

  get(predicate: Predicate, what: string, within?: ForgeNode): ForgeNode {
    const node = this.find(predicate, within);
    if (!node) throw new Error(`No ${what} in:\n${dump(within ?? this.doc())}`);
    return node;
  }

  byTestId(testId: string, within?: ForgeNode): ForgeNode {
    return this.get((node) => node.props.testId === testId, `element with testId "${testId}"`, within);
  }

  maybeTestId(testId: string, within?: ForgeNode): ForgeNode | undefined {
    return this.find((node) => node.props.testId === testId, within);
  }

  /** The Button (or LoadingButton) whose text is exactly `label`. */
  button(label: string, within?: ForgeNode): ForgeNode {
    return this.get((node) => (node.type === 'Button' || node.type === 'LoadingButton') && textOf(node) === label, `button "${label}"`, within);
  }

  buttons(label: string, within?: ForgeNode): ForgeNode[] {
    return this.all((node) => (node.type === 'Button' || node.type === 'LoadingButton') && textOf(node) === label, within);
  }

  /** The Form inside the dialog (or other element) with this testId. */
  form(testId: string): ForgeNode {
    return this.get((node) => node.type === 'Form', 'form', this.byTestId(testId));
  }

  /** A Textfield, TextArea, Select, Checkbox, DatePicker… by its `name` prop (the surfaces name every field). */
  field(name: string, within?: ForgeNode): ForgeNode {
    return this.get((node) => node.props.name === name && node.type !== 'String', `field "${name}"`, within);
  }

  /** The rows of a DynamicTable, each as its cells. */
  rows(table: ForgeNode): ForgeNode[][] {
    return this.all((node) => node.type === 'Row', table).map((row) => row.children.filter((cell) => cell.type === 'Cell'));
  }

  /** A table's row whose text includes `text`. */
  row(table: ForgeNode, text: string): ForgeNode {
    return this.get((node) => node.type === 'Row' && textOf(node).includes(text), `row with "${text}"`, table);
  }

  /**
   * Every string the rendered doc carries: texts and prop values, nested. (The reconciler leaves
   * React's own `children` prop on updated elements; the doc's children are walked instead.)
   */
  everyString(): string[] {
    const found: string[] = [];
    const value = (item: unknown): void => {
      if (typeof item === 'string') found.push(item);
      else if (Array.isArray(item)) item.forEach(value);
      else if (typeof item === 'object' && item !== null && !('$$typeof' in item)) Object.values(item).forEach(value);
    };
    walk(this.doc(), (node) => {
      for (const [name, prop] of Object.entries(node.props)) if (name !== 'children') value(prop);
    });
    return found;
  }

  dump(within?: ForgeNode): string {
    return dump(within ?? this.doc());
  }

  /** Polls until `probe` returns something truthy (and does not throw). */
  async waitFor<T>(probe: () => T | undefined | null | false, timeoutMs = 4_000): Promise<T> {
    // performance.now, not Date.now: tests may fake the date.
    const deadline = performance.now() + timeoutMs;
    let lastError: unknown;
    for (;;) {
      try {
        const value = probe();
        if (value) return value;
      } catch (error) {
        lastError = error;
      }
      if (performance.now() > deadline) {
        const reason = lastError instanceof Error ? lastError.message : 'the condition stayed false';
        throw new Error(`Timed out: ${reason}\n--- rendered ---\n${this.root ? dump(this.root) : '(nothing)'}`);
      }
      await sleep(5);
    }
  }

  waitForText(text: string, timeoutMs?: number): Promise<true> {
    return this.waitFor(() => {
      if (!this.text().includes(text)) throw new Error(`"${text}" is not shown`);
      return true;
    }, timeoutMs);
  }

  waitForNoText(text: string): Promise<true> {
    return this.waitFor(() => !this.text().includes(text) || undefined);
  }

  /** Waits until every resolver call sent so far has been answered and rendered. */
  async settle(): Promise<void> {
    await this.waitFor(() => this.inFlight === 0);
    await sleep(10);
  }

  inFlight = 0;

  /** Opens the page's tab titled `title`, once the tabs have rendered. */
  async openTab(title: string): Promise<void> {
    const tabs = await this.waitFor(() => this.find((node) => node.type === 'Tabs'));
    const index = this.all((node) => node.type === 'Tab', tabs).map(textOf).indexOf(title);
    expect(index, `a tab titled "${title}"`).toBeGreaterThanOrEqual(0);
    await this.call(tabs, 'onChange', index);
  }

  async click(node: ForgeNode): Promise<void> {
    if (node.props.isDisabled === true) throw new Error(`"${textOf(node)}" is disabled`);
    await this.call(node, 'onClick');
  }

  /** Types into a Textfield or TextArea (UI Kit hands the handler a serialised event). */
  async type(node: ForgeNode, value: string): Promise<void> {
    await this.call(node, 'onChange', { target: { value, type: node.type === 'TextArea' ? 'textarea' : 'text' }, type: 'change' });
  }

  async check(node: ForgeNode, checked: boolean): Promise<void> {
    await this.call(node, 'onChange', { target: { checked, type: 'checkbox' }, type: 'change' });
  }

  /** Picks Select option(s) by value; a multi Select gets the list. */
  async choose(node: ForgeNode, value: string | readonly string[] | null): Promise<void> {
    const options = (node.props.options ?? []) as Array<{ label: string; value: unknown }>;
    const pick = (wanted: string) => {
      const option = options.find((candidate) => candidate.value === wanted);
      if (!option) throw new Error(`No option "${wanted}" in ${JSON.stringify(options)}`);
      return option;
    };
    const chosen = value === null ? null : typeof value === 'string' ? pick(value) : value.map(pick);
    await this.call(node, 'onChange', chosen);
  }

  /** A Select's typed search text (`onInputChange`). */
  async search(node: ForgeNode, query: string): Promise<void> {
    await this.call(node, 'onInputChange', query, { action: 'input-change' });
  }

  async submit(form: ForgeNode): Promise<void> {
    await this.call(form, 'onSubmit');
  }

  async call(node: ForgeNode, handler: string, ...args: unknown[]): Promise<void> {
    const fn = node.props[handler];
    if (typeof fn !== 'function') throw new Error(`<${node.type}> has no ${handler}:\n${dump(node)}`);
    await (fn as (...values: unknown[]) => unknown)(...args);
  }

  invoked(key: ResolverKey): Invocation[] {
    return this.invocations.filter((invocation) => invocation.key === key);
  }

  async answer(key: string, payload: unknown): Promise<unknown> {
    const recorded = (clone(payload) ?? {}) as Record<string, unknown>;
    this.invocations.push({ key, payload: recorded });
    const { surface, world, answers, accountId, extension } = this.options;
    if (!SURFACE_KEYS[surface].includes(key as ResolverKey)) this.foreignKeys.push(key);
    const canned = answers?.[key as ResolverKey];
    // Canned answers are the test's own (some never settle, on purpose); only resolver calls count as in flight.
    if (canned) return clone(await canned(recorded));
    if (!world) throw new Error(`No answer for ${key}: mount with a world or an answer for it`);
    this.inFlight += 1;
    try {
      return clone(await world.invoke(surface, key as ResolverKey, recorded, { ...(accountId !== undefined && { accountId }), ...(extension && { extension }) }));
    } finally {
      this.inFlight -= 1;
    }
  }
}

const mounted: Screen[] = [];
const knownRoots = new WeakSet<object>();

function Mount({ screen, children }: { readonly screen: Screen; readonly children?: ReactNode }) {
  const [shown, setShown] = useState(true);
  screen.hide = () => setShown(false);
  return shown ? children : null;
}

/** Points the bridge at `screen`: its first new forge doc is its root; invokes and submits go to it. */
function attach(screen: Screen): void {
  mounted.push(screen);
  setBridgeHandler((command, data) => {
    if (command === 'reconcile') {
      // The reconciler sends its root element, mutated in place on every render: keep the reference.
      const forgeDoc = (data as { forgeDoc: ForgeNode }).forgeDoc;
      if (!screen.root && !knownRoots.has(forgeDoc)) {
        knownRoots.add(forgeDoc);
        screen.root = forgeDoc;
      }
      return Promise.resolve(undefined);
    }
    if (command === 'invoke') {
      const { functionKey, payload } = data as { functionKey: string; payload?: unknown };
      return screen.answer(functionKey, payload);
    }
    if (command === 'submit') {
      screen.submissions.push(clone(data));
      return Promise.resolve(true);
    }
    return Promise.resolve(undefined);
  });
}

/** Renders `component` as the host would, answering its invokes as `options` says. */
export async function mount<P extends object>(component: ComponentType<P>, options: MountOptions, props?: P): Promise<Screen> {
  const screen = new Screen(options);
  attach(screen);
  ForgeReconciler.render(createElement(Mount, { screen }, createElement(component, props ?? ({} as P))));
  await screen.waitFor(() => screen.root);
  return screen;
}

/** Renders what an entry module renders when it loads (`ForgeReconciler.render` at import). */
export async function mountEntry(load: () => Promise<unknown>, options: MountOptions): Promise<Screen> {
  const screen = new Screen(options);
  attach(screen);
  await load();
  await screen.waitFor(() => screen.root);
  return screen;
}

afterEach(async () => {
  for (const screen of mounted.splice(0)) {
    expect(screen.foreignKeys, 'keys the surface called that its resolver function does not define').toEqual([]);
    screen.hide?.();
    // Let unmount effects run and answers still in flight land before the next test's world.
    await screen.settle().catch(() => undefined);
  }
  setBridgeHandler(undefined);
});
