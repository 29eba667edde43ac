import { webTrigger } from '@forge/api';

/** The gateway's `webtrigger` module key in manifest.yml. */
export const GATEWAY_WEB_TRIGGER_KEY = 'clearway-gateway';

/**
 * The URL Forge serves a web trigger module at for this installation. It is stable per module key,
 * app, site, product and environment ("redeploying a new version of your app … does not change
 * the web trigger URL": https://developer.atlassian.com/platform/forge/runtime-reference/web-trigger-api),
 * so it is what AI clients and Atlassian's sign-in are given. `@forge/api` asks the platform's
 * GraphQL API for it through `__forge_fetch__`.
 */
export function webTriggerUrl(moduleKey: string): () => Promise<string> {
  return () => webTrigger.getUrl(moduleKey);
}
