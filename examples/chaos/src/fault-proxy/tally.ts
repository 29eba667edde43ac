/** Counts by row × column (fault × endpoint), for the report. */
export class Tally {
  private readonly cells = new Map<string, Map<string, number>>();

  add(row: string, column: string, amount = 1): void {
    let columns = this.cells.get(row);
    if (!columns) {
      columns = new Map();
      this.cells.set(row, columns);
    }
    columns.set(column, (columns.get(column) ?? 0) + amount);
  }

  get(row: string, column?: string): number {
    const columns = this.cells.get(row);
    if (!columns) return 0;
    if (column !== undefined) return columns.get(column) ?? 0;
    return [...columns.values()].reduce((sum, value) => sum + value, 0);
  }

  total(): number {
    return [...this.cells.keys()].reduce((sum, row) => sum + this.get(row), 0);
  }

  toJSON(): Record<string, Record<string, number>> {
    const rows = [...this.cells.entries()].sort(([a], [b]) => a.localeCompare(b));
    return Object.fromEntries(rows.map(([row, columns]) => [row, Object.fromEntries([...columns.entries()].sort(([a], [b]) => a.localeCompare(b)))]));
  }
}
