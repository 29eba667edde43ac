/**
 * An in-process mutex per key object. Appends to the audit chain serialize on it so that one
 * process never races itself for the chain head; races between processes (parallel Forge
 * invocations) are still caught by the store's version check and retried.
 */
const tails = new WeakMap<object, Promise<unknown>>();

export async function withLock<T>(key: object, run: () => Promise<T>): Promise<T> {
  const previous = tails.get(key) ?? Promise.resolve();
  const current = previous.then(run, run);
  tails.set(
    key,
    current.then(
      () => undefined,
      () => undefined,
    ),
  );
  return current;
}
