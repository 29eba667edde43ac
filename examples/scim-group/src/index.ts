export { SCIM_CAPABILITIES, scimGroupProvider, scimGroupSpec } from './provider.js';
export { SCIM_ERROR_RULES, classifyScimError } from './errors.js';
export { scimSecretFields, scimSettingsSchema, type ScimSecretName, type ScimSettings } from './settings.js';
export { scimSetupGuide } from './setup.js';
