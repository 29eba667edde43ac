import { describe, expect, it } from 'vitest';
import { checkEndpointUrl, isLoopbackHost } from './endpoint.js';

describe('checkEndpointUrl', () => {
  it.each([
    ['https://api.example.com', {}],
    ['https://api.example.com/scim/v2', { allowPath: true }],
    ['http://localhost:8080/scim/v2', { allowPath: true, allowInsecureLoopback: true }],
    ['http://127.0.0.1:7070', { allowInsecureLoopback: true }],
    ['http://[::1]:7070', { allowInsecureLoopback: true }],
    ['https://api.example.com:443', {}],
    ['https://api.example.com:8443', {}],
  ])('accepts %s with %o', (url, options) => {
    expect(checkEndpointUrl(url, options)).toBeUndefined();
  });

  it.each([
    ['not a url', {}, /full URL/],
    ['https://user:pass@api.example.com', {}, /user name or password/],
    ['https://api.example.com/?tenant=1', {}, /query/],
    ['https://api.example.com/#x', {}, /fragment/],
    ['https://api.example.com/scim/v2', {}, /without a path/],
    ['ftp://api.example.com', {}, /https/],
    ['http://localhost:8080', {}, /insecure-loopback/],
    ['http://api.example.com', { allowInsecureLoopback: true }, /loopback host/],
    ['http://localhost.evil.example', { allowInsecureLoopback: true }, /loopback host/],
    ['http://127.0.0.1.nip.io', { allowInsecureLoopback: true }, /loopback host/],
    ['http://10.0.0.1', { allowInsecureLoopback: true }, /loopback host/],
  ])('refuses %s with %o', (url, options, problem) => {
    expect(checkEndpointUrl(url, options)).toMatch(problem);
  });
});

/**
 * The Fetch standard's bad ports, copied from its table (https://fetch.spec.whatwg.org/#port-blocking,
 * "A port is a bad port if it is listed in the first column of the following table"): fetch fails
 * any request to them before connecting, so an endpoint on one can never work.
 */
const FETCH_BAD_PORTS = [
  0, 1, 7, 9, 11, 13, 15, 17, 19, 20, 21, 22, 23, 25, 37, 42, 43, 53, 69, 77, 79, 87, 95, 101, 102, 103, 104, 109, 110, 111, 113,
  115, 117, 119, 123, 135, 137, 139, 143, 161, 179, 389, 427, 465, 512, 513, 514, 515, 526, 530, 531, 532, 540, 548, 554, 556, 563,
  587, 601, 636, 989, 990, 993, 995, 1719, 1720, 1723, 2049, 3659, 4045, 4190, 5060, 5061, 6000, 6566, 6665, 6666, 6667, 6668, 6669,
  6679, 6697, 10080,
];

describe('checkEndpointUrl and the Fetch standard\'s bad ports', () => {
  it.each(FETCH_BAD_PORTS)('refuses port %i, on https and on a loopback simulator alike', (port) => {
    expect(checkEndpointUrl(`https://api.example.com:${port}/scim/v2`, { allowPath: true })).toMatch(new RegExp(`must not use port ${port}: fetch refuses`));
    expect(checkEndpointUrl(`http://127.0.0.1:${port}`, { allowInsecureLoopback: true })).toMatch(/bad port/);
  });

  it('accepts the ports next to the blocked ranges', () => {
    for (const port of [2, 6664, 6670, 6698, 8080, 10081]) expect(checkEndpointUrl(`https://api.example.com:${port}`), `port ${port}`).toBeUndefined();
  });

  it('is what the real fetch refuses: every listed port fails with "bad port" before connecting', async () => {
    // Node's own fetch (undici) implements the same table; no connection is attempted.
    const refused = await Promise.all(
      [6000, 6665, 6697, 10080].map((port) => fetch(`http://127.0.0.1:${port}/`).then(() => 'answered', (error: unknown) => String((error as { cause?: unknown }).cause))),
    );
    expect(refused).toEqual(Array.from({ length: 4 }, () => 'Error: bad port'));
  });
});

describe('isLoopbackHost', () => {
  it('knows localhost, 127/8 and ::1 only', () => {
    expect(['localhost', 'LOCALHOST', '127.0.0.1', '127.8.9.10', '[::1]', '::1'].every(isLoopbackHost)).toBe(true);
    expect(['localhost.example', '128.0.0.1', '[::2]', '0.0.0.0'].some(isLoopbackHost)).toBe(false);
  });
});
