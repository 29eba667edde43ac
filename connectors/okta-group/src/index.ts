export { oktaGroupProvider } from './provider.js';
export { OKTA_ERROR_TABLE } from './okta-errors.js';
export { AUTH_MODES, DEFAULT_REQUEST_TIMEOUT_MS, OKTA_SCOPES, oktaSettingsSchema, type AuthMode, type OktaSettings } from './settings.js';
export { oktaSetupGuide } from './setup.js';
