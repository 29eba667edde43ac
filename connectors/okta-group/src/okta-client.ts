/**
 * Builds Okta's SDK client for one connector, hermetically, and runs calls on it.
 *
 * The SDK's `Client` always runs a config loader that merges `~/.okta/okta.yaml`, `./okta.yaml`
 * and `OKTA_CLIENT_*` environment variables under the config it is given. The loader cannot be
 * switched off, so every key it knows is passed explicitly (an empty string where unused): given
 * values win over the loader's, and nothing from the host's files or environment reaches the
 * client. The GET cache is off (`cacheMiddleware: null`: membership read from a cache would be
 * stale), SDK retries are off, a request timeout is set, and every request obeys its operation's
 * signal and deadline and has its answer checked (see `request-executor.ts`).
 */
import { Client, type Collection } from '@okta/okta-sdk-nodejs';
import type { OperationContext } from '@clearway/connector-sdk';
import { UnexpectedOktaAnswer, type OktaAnswerKind } from './okta-answers.js';
import { classifyOktaError } from './okta-errors.js';
import { SignalAwareRequestExecutor, type OktaListPage } from './request-executor.js';
import { OKTA_SCOPES, type OktaCredentials, type OktaSettings } from './settings.js';

/** Sent before the SDK's own user agent, so Okta's System Log shows who called. */
export const USER_AGENT = 'clearway-connector-okta-group/0.1.0';

/** One connector's SDK client, and the way every call is made on it. */
export interface OktaConnection {
  readonly authMode: OktaCredentials['mode'];
  /**
   * Runs one Okta call under the operation's signal and deadline (checked before every request it
   * sends); its answers must be `answer` (JSON by default). Whatever it throws comes out classified
   * as a connector error whose message starts with `action`.
   */
  call<T>(ctx: OperationContext, action: string, work: (sdk: Client) => Promise<T>, answer?: OktaAnswerKind): Promise<T>;
  /**
   * Reads exactly one page of the list `open` starts, like `call`, and hands `read` the items the SDK
   * made of it with the URL and `Link` header Okta answered it with: for a caller that hands paging
   * to the engine. The SDK's own iteration is not used for this: it follows `next` wherever it
   * points, and takes a `Link` header it cannot parse (or one over 2,000 characters) for "no next page".
   */
  readPage<T>(ctx: OperationContext, action: string, open: (sdk: Client) => Promise<Collection<unknown>>, read: (page: OktaPageRead) => T): Promise<T>;
}

export interface OktaPageRead extends OktaListPage {
  readonly items: readonly unknown[];
}

type ClientConfig = NonNullable<ConstructorParameters<typeof Client>[0]>;

/** Every key the SDK's config loader knows (all required here), plus the ones `Client` reads beside it. */
type HermeticConfig = Required<Pick<ClientConfig, 'orgUrl' | 'authorizationMode' | 'token' | 'clientId' | 'scopes' | 'privateKey' | 'keyId'>> &
  Pick<ClientConfig, 'requestExecutor' | 'cacheMiddleware'> & { userAgent: string };

export function hermeticClientConfig(settings: OktaSettings, credentials: OktaCredentials, executor: SignalAwareRequestExecutor): HermeticConfig {
  const common = { orgUrl: settings.orgUrl, userAgent: USER_AGENT, requestExecutor: executor, cacheMiddleware: null };
  if (credentials.mode === 'api_token') {
    return { ...common, authorizationMode: 'SSWS', token: credentials.token, clientId: '', scopes: [], privateKey: '', keyId: '' };
  }
  return {
    ...common,
    authorizationMode: 'PrivateKey',
    token: '',
    clientId: credentials.clientId,
    scopes: [...OKTA_SCOPES],
    privateKey: credentials.privateKey,
    keyId: credentials.keyId ?? '',
  };
}

export function createOktaConnection(settings: OktaSettings, credentials: OktaCredentials): OktaConnection {
  const executor = new SignalAwareRequestExecutor(settings.requestTimeoutMs);
  const sdk = new Client(hermeticClientConfig(settings, credentials, executor));
  return {
    authMode: credentials.mode,
    async call(ctx, action, work, answer = 'json') {
      try {
        return await executor.withCall({ ctx, action, answer }, () => work(sdk));
      } catch (error) {
        throw classifyOktaError(error, action, ctx.now());
      }
    },
    async readPage(ctx, action, open, read) {
      const pages: OktaListPage[] = [];
      try {
        return await executor.withCall({ ctx, action, answer: 'json', onPage: (page) => pages.push(page) }, async () => {
          const items = await (await open(sdk)).getNextPage();
          const [page, ...more] = pages;
          // One page was asked for; anything else means the SDK read something other than that page.
          if (!page || more.length > 0) throw new UnexpectedOktaAnswer(`${pages.length} list pages where one was read`);
          return read({ ...page, items });
        });
      } catch (error) {
        throw classifyOktaError(error, action, ctx.now());
      }
    },
  };
}
