import { describe, expect, it } from 'vitest';
import { fakeForge } from '../../test-support/fake-forge/index';
import { KvsSecrets } from './kvs-secrets';

describe('KvsSecrets', () => {
  it('keeps values in secret storage, not in the entity store', async () => {
    const secrets = new KvsSecrets();
    await secrets.set('connector:okta-1:apiToken', 'ssws-0123456789abcdef');
    expect(await secrets.get('connector:okta-1:apiToken')).toBe('ssws-0123456789abcdef');
    expect(fakeForge().kvs.secretValues()).toEqual(['ssws-0123456789abcdef']);
    expect(fakeForge().kvs.calls.map((call) => call.path)).toEqual(['/api/v1/secret/set', '/api/v1/secret/get']);
  });

  it('answers undefined for a secret never set, and deletes idempotently', async () => {
    const secrets = new KvsSecrets();
    expect(await secrets.get('audit:mac-key')).toBeUndefined();
    await secrets.set('audit:mac-key', 'k');
    await secrets.delete('audit:mac-key');
    await secrets.delete('audit:mac-key');
    expect(await secrets.get('audit:mac-key')).toBeUndefined();
  });
});
