import { describe, expect, it } from 'vitest';
import { MAIL_NICKNAME_MAX_LENGTH, mailNicknameFor } from './mail-nickname.js';

// Graph's rule: ASCII 0–127 without @ ( ) \ [ ] " ; : < > , space (some revisions add / ' .), at most 64.
const VALID = /^[\x21-\x7e]{1,64}$/;
const FORBIDDEN = /[@()\\[\]"';:.<>,\s/]/;

describe('mailNicknameFor', () => {
  it.each([
    ['AI - ChatGPT Enterprise users', 'ai-chatgpt-enterprise-users'],
    ['Zoë’s “Copilot” (pilot) @ HQ; team: 1.0', 'zoe-s-copilot-pilot-hq-team-1-0'],
    ['  --Claude__users--  ', 'claude__users'],
    ['Ünïcödé Grüppe', 'unicode-gruppe'],
  ])('%j → %j', (name, nickname) => {
    expect(mailNicknameFor(name)).toBe(nickname);
  });

  it('stays within 64 characters and never ends on a separator', () => {
    const nickname = mailNicknameFor(`${'a'.repeat(63)} b ${'c'.repeat(100)}`);
    expect(nickname.length).toBeLessThanOrEqual(MAIL_NICKNAME_MAX_LENGTH);
    expect(nickname).toBe('a'.repeat(63));
  });

  it('gives names without Latin letters or digits distinct nicknames', () => {
    const first = mailNicknameFor('人工知能ツール');
    const second = mailNicknameFor('🤖🤖');
    expect(first).toMatch(/^clearway-group-[0-9a-f]{8}$/);
    expect(second).not.toBe(first);
  });

  it('always produces a valid nickname', () => {
    for (const name of ['a', '@@@', '(x)', 'tab\tand\nnewline', 'quote\'s "and" slash/back\\', '…', 'Ω'.repeat(300), 'x'.repeat(500)]) {
      const nickname = mailNicknameFor(name);
      expect(nickname).toMatch(VALID);
      expect(nickname).not.toMatch(FORBIDDEN);
    }
  });
});
