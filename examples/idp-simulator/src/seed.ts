import { readFileSync } from 'node:fs';

/** The directory a simulator starts with. Ids are generated where not given. */
export interface SimulatorSeed {
  readonly okta?: {
    readonly apiToken: string;
    readonly users: ReadonlyArray<{ id?: string; login: string; email: string; firstName?: string; lastName?: string; status?: 'ACTIVE' | 'SUSPENDED' | 'DEPROVISIONED' | 'STAGED' }>;
    readonly groups?: ReadonlyArray<{ id?: string; name: string; description?: string; type?: 'OKTA_GROUP' | 'APP_GROUP' | 'BUILT_IN'; members?: readonly string[] }>;
  };
  readonly entra?: {
    readonly tenantId: string;
    readonly clientId: string;
    readonly clientSecret: string;
    readonly users: ReadonlyArray<{ id?: string; userPrincipalName: string; mail?: string; displayName?: string; accountEnabled?: boolean }>;
    readonly groups?: ReadonlyArray<{ id?: string; displayName: string; mailEnabled?: boolean; securityEnabled?: boolean; groupTypes?: readonly string[]; members?: readonly string[] }>;
  };
  readonly scim?: {
    readonly bearerToken: string;
    readonly users: ReadonlyArray<{ id?: string; userName: string; email?: string; active?: boolean; displayName?: string }>;
    readonly groups?: ReadonlyArray<{ id?: string; displayName: string; members?: readonly string[] }>;
  };
}

export function loadSeed(path: string): SimulatorSeed {
  return JSON.parse(readFileSync(path, 'utf8')) as SimulatorSeed;
}
