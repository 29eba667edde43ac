/**
 * SCIM filter expressions (RFC 7644 §3.4.2.2) for the few searches the provider makes. A
 * comparison value is a JSON string (RFC 7159), so `JSON.stringify` quotes it and escapes `"` and
 * `\`: no name or email can change the shape of the filter.
 */
export const scimString = (value: string): string => JSON.stringify(value);

export const filters = {
  userNameEq: (userName: string) => `userName eq ${scimString(userName)}`,
  /** The value-path form RFC 7644 §3.4.2.2 shows for multi-valued attributes. */
  emailValuePath: (email: string) => `emails[value eq ${scimString(email)}]`,
  /** The sub-attribute form, for services that do not parse value paths. */
  emailSubAttribute: (email: string) => `emails.value eq ${scimString(email)}`,
  displayNameEq: (name: string) => `displayName eq ${scimString(name)}`,
  groupHasMember: (groupId: string, userId: string) => `id eq ${scimString(groupId)} and members[value eq ${scimString(userId)}]`,
} as const;

/** The PATCH path that selects one member (RFC 7644 §3.5.2.2). */
export const memberPath = (userId: string): string => `members[value eq ${scimString(userId)}]`;
