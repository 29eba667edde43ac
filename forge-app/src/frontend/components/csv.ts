/** CSV for the admin's exports (RFC 4180 quoting), with a header row. */
export function toCsv(columns: readonly string[], rows: ReadonlyArray<ReadonlyArray<string | number | undefined>>): string {
  const field = (value: string | number | undefined) => {
    const text = value === undefined ? '' : String(value);
    return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
  };
  return [columns, ...rows].map((row) => row.map(field).join(',')).join('\n') + '\n';
}
