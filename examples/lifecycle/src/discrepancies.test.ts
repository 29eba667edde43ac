import { describe, expect, it } from 'vitest';
import { Discrepancies } from './discrepancies.js';

describe('collected discrepancies', () => {
  it('keep the first occurrence of a (property, what, grant) with a count, and the grant history as it stands at the end', () => {
    const found = new Discrepancies();
    const history = ['approved'];
    found.add({ property: 'ends', what: 'expired before its approved end', at: 'a', day: 3, grantId: 'g1', detail: 'first' }, () => history);
    found.add({ property: 'ends', what: 'expired before its approved end', at: 'b', day: 4, grantId: 'g1', detail: 'again' }, () => history);
    found.add({ property: 'ends', what: 'expired before its approved end', at: 'c', day: 4, grantId: 'g2', detail: 'other grant' });
    found.add({ property: 'insights', what: 'timeToActiveMs differs', at: 'd', day: 5, subject: '2027-01-05', detail: 'x' });
    history.push('expired');
    expect(found.findings().map((finding) => [finding.grantId ?? finding.subject, finding.detail, finding.occurrences, finding.history])).toEqual([
      ['g1', 'first', 2, ['approved', 'expired']],
      ['g2', 'other grant', 1, undefined],
      ['2027-01-05', 'x', 1, undefined],
    ]);
    expect(found.counts()).toEqual({
      byProperty: { ends: 2, reviews: 0, identities: 0, membership: 0, insights: 1, calls: 0, 'exception-limit': 0, 'exception-open': 0, 'exception-lapse': 0, 'exception-review': 0, 'exception-list': 0 },
      byWhat: { 'ends: expired before its approved end': 2, 'insights: timeToActiveMs differs': 1 },
    });
  });
});
