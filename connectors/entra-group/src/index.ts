export { entraGroupProvider, ENTRA_CAPABILITIES } from './provider.js';
export { ENTRA_ERROR_TABLE, type ErrorMappingRow } from './errors.js';
export { GRAPH_APPLICATION_PERMISSIONS, entraSetupGuide, type GraphPermission } from './setup.js';
export {
  DEFAULT_AUTHORITY_HOST,
  DEFAULT_GRAPH_BASE_URL,
  entraSecretFields,
  entraSettingsSchema,
  type EntraSecretName,
  type EntraSettings,
} from './settings.js';
