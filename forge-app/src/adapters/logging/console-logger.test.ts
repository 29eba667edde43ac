import { describe, expect, it } from 'vitest';
import { consoleLogger } from './console-logger';

describe('consoleLogger', () => {
  it('writes one JSON line per entry with credentials redacted', () => {
    const lines: string[] = [];
    const capture = (text: string) => void lines.push(text);
    const logger = consoleLogger({ debug: capture, info: capture, warn: capture, error: capture });
    logger.warn('Okta refused Authorization: SSWS 00aBcDeFgHiJkLmNoP', { detail: 'client_secret=abcdef123456' });
    expect(lines).toHaveLength(1);
    expect(lines[0]).not.toContain('00aBcDeFgHiJkLmNoP');
    expect(lines[0]).not.toContain('abcdef123456');
    expect(JSON.parse(lines[0] ?? '{}')).toMatchObject({ level: 'warn' });
  });
});
