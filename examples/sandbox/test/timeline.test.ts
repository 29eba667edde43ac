import type { AuditEvent } from '@clearway/core';
import { describe, expect, it } from 'vitest';
import { describeEvent } from '../src/timeline.js';

const drift = (grantStatus: string): AuditEvent =>
  ({ seq: 1, at: 0, actor: 'system', type: 'drift.detected', refs: { issueKey: 'AIR-1' }, data: { kind: 'missing_membership', grantStatus } }) as unknown as AuditEvent;

describe('the timeline of the main job', () => {
  it.each([
    ['active', 'DRIFT: missing membership on an active grant [AIR-1]'],
    ['expired', 'DRIFT: missing membership on an expired grant [AIR-1]'],
    ['revoked', 'DRIFT: missing membership on a revoked grant [AIR-1]'],
    ['provision_failed', 'DRIFT: missing membership on a provision failed grant [AIR-1]'],
  ])('writes drift on a %s grant with the right article', (status, sentence) => {
    expect(describeEvent(drift(status), (id) => id)).toBe(sentence);
  });
});
