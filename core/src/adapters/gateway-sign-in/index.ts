// Sign-in for the AI-agent gateway: Clearway as the OAuth authorization server AI clients see, and as an OAuth client of the upstream's.
export { DEFAULT_SIGN_IN_LIFETIMES, createGatewayHost } from './host.js';
export { redirectUriProblem } from './register.js';
export { USER_INFO_TOOL, UpstreamSignInError, type UpstreamSignInErrorCode } from './upstream-oauth.js';
export type * from './types.js';
export { MemorySignInStore } from './memory-store.js';
export { serveGatewayHost, type ServedGatewayHost } from './node.js';
