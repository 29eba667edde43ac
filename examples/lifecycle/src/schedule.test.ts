import { describe, expect, it } from 'vitest';
import { Schedule } from './schedule.js';

describe('the schedule', () => {
  it('gives steps back in time order, ties in the order planned, only those before the bound', () => {
    const schedule = new Schedule();
    schedule.add(30, { kind: 'submit' });
    schedule.add(10, { kind: 'extend' });
    schedule.add(30, { kind: 'revoke' });
    schedule.add(20, { kind: 'sweep', sweep: 'edge' });
    const taken: string[] = [];
    for (let next = schedule.takeBefore(30); next; next = schedule.takeBefore(30)) taken.push(`${next.at}:${next.step.kind}`);
    expect(taken).toEqual(['10:extend', '20:sweep']);
    expect([schedule.takeBefore(31)?.step.kind, schedule.takeBefore(31)?.step.kind, schedule.size]).toEqual(['submit', 'revoke', 0]);
  });
});
