import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { OKTA_ERROR_TABLE } from './okta-errors.js';
import { OKTA_SCOPES } from './settings.js';

// The README is what an admin follows: keep its error table and permissions in step with the code.
describe('README', () => {
  const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');

  it('lists every Okta code of the error table', () => {
    for (const code of Object.keys(OKTA_ERROR_TABLE)) expect(readme, code).toContain(`\`${code}\``);
  });

  it('names the exact scopes the service app needs', () => {
    for (const scope of OKTA_SCOPES) expect(readme).toContain(`\`${scope}\``);
  });
});
