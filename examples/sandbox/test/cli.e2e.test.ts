import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { copySandboxData, mainJobRun, run } from './support.js';

describe('the main job and the clearway CLI, run as a newcomer runs them', () => {
  // The suite's one run of the main job (shared with the other files that read its data), copied: commands here write.
  let data = '';
  let env: Record<string, string> = {};

  it('runs the whole lifecycle green and leaves the store and an evidence pack behind', async () => {
    const { data: shared, result } = await mainJobRun();
    data = copySandboxData(shared);
    env = { CLEARWAY_SANDBOX_DATA: data };
    expect(result.stderr).toBe('');
    expect(result.stdout).toContain('Sandbox run complete: every step did what it said.');
    expect(result.stdout).not.toContain('✗');
    expect(result.status).toBe(0);
  }, 120_000);

  it('lists grants with their state, and verifies the chain', () => {
    const grants = run('clearway.mjs', ['--json', 'grants'], env);
    expect(grants.status).toBe(0);
    const parsed = JSON.parse(grants.stdout) as Array<{ status: string; deprovision: string }>;
    // Eleven from the portal, four from work-linked access (Chen's, Dev's and Eve's two), all ended.
    expect(parsed.length).toBe(15);
    expect(parsed.filter((grant) => grant.status === 'expired' || grant.status === 'revoked')).toHaveLength(14);
    // Ana's second ChatGPT grant, asked for on the last day so her AI client can use the gateway.
    expect(parsed.filter((grant) => grant.status === 'active')).toHaveLength(1);
    expect(run('clearway.mjs', ['audit', 'verify'], env)).toMatchObject({ status: 0, stdout: expect.stringMatching(/^Chain verified: \d+ events/) });
    const exceptions = run('clearway.mjs', ['--json', 'exceptions', '--all'], env);
    expect(exceptions.status).toBe(0);
    expect(JSON.parse(exceptions.stdout)).toEqual([expect.objectContaining({ toolId: 'claude-enterprise', kinds: ['duration'], grantedDays: 75, allowedDays: 45, state: 'closed', closedHow: 'lapsed', standing: 'closed' })]);
    expect(run('clearway.mjs', ['exceptions', 'report'], env)).toMatchObject({ status: 0, stdout: expect.stringMatching(/^Open: 0 \(review due 0, overdue 0\)\. Last 30 days: 1 granted, closed 1 lapsed\./) });
    const drift = run('clearway.mjs', ['--json', 'drift'], env);
    expect(drift.status).toBe(0);
    // As the latest reconciliation found them (the work-linked steps' sweep): Ben, added to the ChatGPT group by hand; Ana is out of Copilot's by then.
    expect(JSON.parse(drift.stdout)).toEqual([expect.objectContaining({ toolId: 'chatgpt-enterprise', login: 'ben.baker@example.com' })]);
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

  it('verifies the pack without the key against the anchor recorded at export, says what it did not prove, and catches a cut copy', () => {
    const pack = join(data, 'evidence', 'evidence-pack.jsonl');
    const anchor = join(data, 'evidence', 'evidence-anchor.json');
    const keyless = run('clearway.mjs', ['evidence', 'verify', pack], env);
    expect(keyless.status).toBe(0);
    expect(keyless.stdout).toMatch(
      /^Evidence verified: \d+ events, seq \d+–\d+; hash chain checked \(no key given: macs and the manifest's mac not checked\)\.\nNot proven: That the app wrote these events: .*\nNot proven: The manifest's claims .*\n$/,
    );
    const anchored = run('clearway.mjs', ['evidence', 'verify', pack, '--anchor', anchor], env);
    expect(anchored.status).toBe(0);
    expect(anchored.stdout).toMatch(/^Evidence verified: .*\nAnchor matched: this is the pack exported at \S+Z with the chain head at seq \d+\.\nNot proven: That the anchor is the one the app recorded: .*\n$/);

    // Cut at the tail, the manifest edited to match: without the key only the anchor can tell (the core tamper suite shows the keyless verdict).
    const lines = readFileSync(pack, 'utf8').trimEnd().split('\n');
    const { manifest } = JSON.parse(lines.at(-1)!) as { manifest: Record<string, unknown> };
    const kept = lines.slice(0, -3);
    const last = JSON.parse(kept.at(-1)!) as { seq: number; entryHash: string };
    const cut = join(data, 'cut.jsonl');
    writeFileSync(cut, [...kept, JSON.stringify({ manifest: { ...manifest, count: kept.length, lastSeq: last.seq, lastEntryHash: last.entryHash, chainHead: { seq: last.seq, entryHash: last.entryHash } } })].join('\n'));
    const caught = run('clearway.mjs', ['evidence', 'verify', cut, '--anchor', anchor], env);
    expect(caught.status).toBe(1);
    expect(caught.stdout).toBe('Evidence FAILED verification: anchor_mismatch — the pack is not the one recorded in the anchor at export (chainHead, count, lastSeq, lastEntryHash, manifestHash differ)\n');
    expect(run('clearway.mjs', ['evidence', 'verify', pack, '--anchor', join(data, 'nowhere.json')], env).status).toBe(2);
  }, 120_000);

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
