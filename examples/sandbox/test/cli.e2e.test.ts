import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { run } from './support.js';

describe('the main job and the clearway CLI, run as a newcomer runs them', () => {
  const data = mkdtempSync(join(tmpdir(), 'clearway-sandbox-'));
  const env = { CLEARWAY_SANDBOX_DATA: data };

  it('runs the whole lifecycle green and leaves the store and an evidence pack behind', () => {
    const result = run('launch.mjs', ['src/main.ts'], env);
    expect(result.stderr).toBe('');
    expect(result.stdout).toContain('Sandbox run complete: every step did what it said.');
    expect(result.stdout).not.toContain('✗');
    expect(result.status).toBe(0);
  }, 120_000);

  it('lists grants with their state, and verifies the chain', () => {
    const grants = run('clearway.mjs', ['--json', 'grants'], env);
    expect(grants.status).toBe(0);
    const parsed = JSON.parse(grants.stdout) as Array<{ status: string; deprovision: string }>;
    expect(parsed.length).toBe(9);
    expect(parsed.filter((grant) => grant.status === 'expired' || grant.status === 'revoked')).toHaveLength(9);
    expect(run('clearway.mjs', ['audit', 'verify'], env)).toMatchObject({ status: 0, stdout: expect.stringMatching(/^Chain verified: \d+ events/) });
    const drift = run('clearway.mjs', ['--json', 'drift'], env);
    expect(drift.status).toBe(0);
    expect(JSON.parse(drift.stdout)).toEqual([expect.objectContaining({ toolId: 'github-copilot-business', login: 'ana.alvarez@example.com' })]);
  }, 60_000);

  it('verifies the evidence pack offline, and reports tampering with the first bad seq and exit code 1', () => {
    const pack = join(data, 'evidence', 'evidence-pack.jsonl');
    const key = join(data, 'evidence', 'audit-mac.key');
    expect(run('clearway.mjs', ['evidence', 'verify', pack, '--key-file', key])).toMatchObject({ status: 0, stdout: expect.stringMatching(/^Evidence verified: \d+ events/) });
    const tampered = join(data, 'tampered.jsonl');
    writeFileSync(tampered, readFileSync(pack, 'utf8').replace('Sales uses the shared assistant', 'Approved after all'));
    const result = run('clearway.mjs', ['evidence', 'verify', tampered, '--key-file', key]);
    expect(result.status).toBe(1);
    expect(result.stdout).toMatch(/^Evidence FAILED verification at seq \d+: entry_hash_mismatch/);
  }, 60_000);

  it.each(['okta-group', 'entra-group', 'scim-group'])('tests the %s connector against the simulator, step by step', (provider) => {
    const result = run('clearway.mjs', ['--json', 'connector', 'test', provider, '--simulator'], env);
    expect(result.status).toBe(0);
    const report = JSON.parse(result.stdout) as { steps: Array<{ step: string; ok: boolean }> };
    expect(report.steps.map((step) => step.step)).toEqual(['settings', 'test', 'resolve', 'bind', 'check', 'add', 'check', 'remove', 'check']);
    expect(report.steps.every((step) => step.ok)).toBe(true);
  }, 60_000);

  it('stops after resolve in a dry run, reads secrets from the environment only, and uses meaningful exit codes', () => {
    const dry = run('clearway.mjs', ['--json', 'connector', 'test', 'okta-group', '--simulator', '--dry-run'], env);
    expect((JSON.parse(dry.stdout) as { steps: Array<{ step: string }> }).steps.map((step) => step.step)).toEqual(['settings', 'test', 'resolve']);
    const config = join(data, 'okta.json');
    writeFileSync(config, JSON.stringify({ settings: { orgUrl: 'https://example.okta.com' }, user: { email: 'a@example.com' }, group: { name: 'x' } }));
    const missingSecret = run('clearway.mjs', ['connector', 'test', 'okta-group', '--config', config], env);
    expect(missingSecret.status).toBe(1);
    expect(missingSecret.stdout).toMatch(/settings .*API token/);
    expect(run('clearway.mjs', ['connector', 'test', 'nope', '--simulator'], env).status).toBe(2);
    expect(run('clearway.mjs', ['requests', '--status', 'nope'], env).status).toBe(2);
    expect(run('clearway.mjs', ['grants'], { CLEARWAY_SANDBOX_DATA: join(data, 'missing') }).status).toBe(3);
  }, 60_000);
});
