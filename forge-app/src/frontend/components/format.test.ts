import { describe, expect, it } from 'vitest';
import { days, formatDuration, issueHref, optionValue, optionValues, plural, wholeNumber } from './format';
import { toCsv } from './csv';

describe('format', () => {
  it('writes counts and durations in words', () => {
    expect([days(1), days(30), plural(2, 'request'), plural(1, 'tool was', 'tools were')]).toEqual(['1 day', '30 days', '2 requests', '1 tool was']);
    expect([formatDuration(30_000), formatDuration(5 * 60_000), formatDuration(90 * 60_000), formatDuration(2 * 60 * 60_000), formatDuration(26 * 60 * 60_000)]).toEqual(['30 s', '5 min', '1 h 30 min', '2 h', '1 d 2 h']);
  });

  it('reads whole numbers strictly', () => {
    expect([wholeNumber('30'), wholeNumber(' 7 '), wholeNumber('2.5'), wholeNumber('1e3'), wholeNumber(''), wholeNumber('-3')]).toEqual([30, 7, undefined, undefined, undefined, -3]);
  });

  it('reads Select options and links issues', () => {
    expect(optionValue({ label: 'A', value: 'a' })).toBe('a');
    expect(optionValue(null)).toBeUndefined();
    expect(optionValues([{ value: 'a' }, { value: 1 }, { value: 'b' }])).toEqual(['a', 'b']);
    expect(issueHref('AIR-12')).toBe('/browse/AIR-12');
  });

  it('quotes CSV fields that need it', () => {
    expect(toCsv(['a', 'b'], [['x,y', 'say "hi"'], [undefined, 3]])).toBe('a,b\n"x,y","say ""hi"""\n,3\n');
  });
});
