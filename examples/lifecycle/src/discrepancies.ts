/** The properties the harness checks; see README.md for each one's exact statement. */
export const PROPERTIES = ['ends', 'reviews', 'identities', 'membership', 'insights', 'calls', 'exception-limit', 'exception-open', 'exception-lapse', 'exception-review', 'exception-list'] as const;
export type Property = (typeof PROPERTIES)[number];

/** One thing found wrong: which property, what, when (simulated), about which grant (or day, or person). */
export interface Discrepancy {
  readonly property: Property;
  readonly what: string;
  readonly at: string;
  /** Simulated day of the run, from 0. */
  readonly day: number;
  readonly grantId?: string;
  /** What it is about when not a grant: a day of insights, a person, a tool. */
  readonly subject?: string;
  readonly detail: string;
}

/** A discrepancy as reported: its first occurrence, how often it was seen again, and the grant's story. */
export interface Finding extends Discrepancy {
  readonly occurrences: number;
  readonly history?: readonly string[];
}

/**
 * Collects discrepancies. The same (property, what, grant or subject) seen after many sweeps is
 * one finding with a count, so a grant that stays wrong for a month does not drown the others.
 */
export class Discrepancies {
  private readonly found = new Map<string, { first: Discrepancy; occurrences: number }>();
  private readonly histories = new Map<string, () => readonly string[]>();

  add(discrepancy: Discrepancy, history?: () => readonly string[]): void {
    const key = `${discrepancy.property}|${discrepancy.what}|${discrepancy.grantId ?? discrepancy.subject ?? ''}`;
    const known = this.found.get(key);
    if (known) {
      known.occurrences += 1;
      return;
    }
    this.found.set(key, { first: discrepancy, occurrences: 1 });
    if (history) this.histories.set(key, history);
  }

  get size(): number {
    return this.found.size;
  }

  /** Every finding, in the order first seen, each grant's history as it stands now. */
  findings(): Finding[] {
    return [...this.found.entries()].map(([key, { first, occurrences }]) => {
      const history = this.histories.get(key);
      return { ...first, occurrences, ...(history && { history: history() }) };
    });
  }

  /** Findings per property, and per property and what. */
  counts(): { byProperty: Record<Property, number>; byWhat: Record<string, number> } {
    const byProperty = Object.fromEntries(PROPERTIES.map((property) => [property, 0])) as Record<Property, number>;
    const byWhat: Record<string, number> = {};
    for (const { first } of this.found.values()) {
      byProperty[first.property] += 1;
      const label = `${first.property}: ${first.what}`;
      byWhat[label] = (byWhat[label] ?? 0) + 1;
    }
    return { byProperty, byWhat };
  }
}
