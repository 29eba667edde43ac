/** Secret storage (Forge `kvs.setSecret`, a file in the sandbox). Values never leave core in a payload. */
export interface Secrets {
  get(name: string): Promise<string | undefined>;
  set(name: string, value: string): Promise<void>;
  delete(name: string): Promise<void>;
}

/** Where the audit chain's HMAC key lives. */
export const AUDIT_MAC_KEY_SECRET = 'audit:mac-key';

export function connectorSecretName(connectorId: string, field: string): string {
  return `connector:${connectorId}:${field}`;
}
