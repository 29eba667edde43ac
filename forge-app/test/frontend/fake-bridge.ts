/**
 * The host side of UI Kit's bridge, for tests. UI Kit code talks to Jira only through
 * `self.__bridge.callBridge(command, data)`: the reconciler sends `reconcile` with the rendered
 * forge doc, `@forge/bridge` sends `invoke` (resolver calls) and `submit` (the portal panel's
 * form). `@forge/bridge` captures `callBridge` when it loads, so this is installed by a setup
 * file before any test imports it; each mounted surface then points it at its own handler.
 */
export type BridgeHandler = (command: string, data: unknown) => unknown;

let handler: BridgeHandler | undefined;

/** Installs the bridge globals. With no surface mounted, renders are dropped and invokes refused. */
export function installFakeBridge(): void {
  const host = globalThis as { self?: unknown; __bridge?: { callBridge: BridgeHandler } };
  host.self = globalThis;
  host.__bridge = {
    callBridge: (command, data) => {
      if (handler) return handler(command, data);
      return command === 'invoke' ? Promise.reject(new Error('No UI surface is mounted to answer this invoke.')) : Promise.resolve(undefined);
    },
  };
}

export function setBridgeHandler(next: BridgeHandler | undefined): void {
  handler = next;
}
