/**
 * Org URL validation. The org URL decides where the credential is sent, so it is checked strictly:
 * https only, no path, query or embedded credentials, and plain http only when the admin opted in
 * AND the host is a loopback address (the local Okta simulator).
 */
import { isLoopbackHost } from '@clearway/connector-sdk';

/** Returns what is wrong with the URL, written for the admin, or undefined when it is acceptable. */
export function checkOrgUrl(raw: string, allowInsecureLoopback: boolean): string | undefined {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return 'Enter the full org URL, for example https://acme.okta.com.';
  }
  if (url.username || url.password) return 'The org URL must not contain a user name or password.';
  if (url.pathname !== '/' || url.search || url.hash) {
    return `Enter only the org address (${url.protocol}//${url.host}), without a path such as /admin or /api/v1.`;
  }
  if (/-admin\./i.test(url.hostname)) {
    return 'This is the Admin Console address; use the org URL without "-admin" (for example https://acme.okta.com).';
  }
  if (url.protocol === 'https:') return undefined;
  if (url.protocol !== 'http:') return 'The org URL must start with https://.';
  if (!allowInsecureLoopback) return 'The org URL must use https://; plain http is only allowed for the local simulator on loopback.';
  if (!isLoopbackHost(url.hostname)) {
    return 'Plain http is only allowed for a loopback host (localhost, 127.0.0.1 or [::1]); a real Okta org needs https://.';
  }
  return undefined;
}
