import { describe, expect, it } from 'vitest';
import { checkEndpointUrl, isLoopbackHost } from './endpoint.js';

describe('checkEndpointUrl', () => {
  it.each([
    ['https://api.example.com', {}],
    ['https://api.example.com/scim/v2', { allowPath: true }],
    ['http://localhost:8080/scim/v2', { allowPath: true, allowInsecureLoopback: true }],
    ['http://127.0.0.1:9', { allowInsecureLoopback: true }],
    ['http://[::1]:9', { allowInsecureLoopback: true }],
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

describe('isLoopbackHost', () => {
  it('knows localhost, 127/8 and ::1 only', () => {
    expect(['localhost', 'LOCALHOST', '127.0.0.1', '127.8.9.10', '[::1]', '::1'].every(isLoopbackHost)).toBe(true);
    expect(['localhost.example', '128.0.0.1', '[::2]', '0.0.0.0'].some(isLoopbackHost)).toBe(false);
  });
});
