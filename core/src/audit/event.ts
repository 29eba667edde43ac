/** What an audit event is about; every field optional, all strings. */
export interface AuditRefs {
  readonly requestId?: string;
  readonly grantId?: string;
  readonly toolId?: string;
  readonly connectorId?: string;
  readonly jobId?: string;
  readonly issueKey?: string;
}

/** The fields that are hashed: `entryHash = SHA-256(prevHash || canonical JSON of these)`. */
export interface AuditEventBody {
  readonly seq: number;
  readonly at: number;
  readonly actor: string;
  readonly type: string;
  readonly refs: AuditRefs;
  readonly data: Readonly<Record<string, unknown>>;
  readonly policyVersion: number;
}

export interface AuditEvent extends AuditEventBody {
  readonly id: string;
  readonly version: number;
  readonly prevHash: string;
  readonly entryHash: string;
  readonly entryMac: string;
}

/** What a caller asks to record; the chain fills in seq, hashes and mac. */
export interface AuditEntry {
  readonly actor: string;
  readonly type: string;
  readonly refs?: AuditRefs;
  readonly data?: Readonly<Record<string, unknown>>;
}

export function auditEventId(seq: number): string {
  return String(seq).padStart(12, '0');
}
