/** Column alignment: left or right. */
export type Align = 'l' | 'r';

/**
 * Renders rows as plain text with aligned columns (the first row is usually the header).
 * `align[i]` applies to column i (default left); trailing blanks of each line are trimmed.
 */
export function formatTable(rows: ReadonlyArray<readonly string[]>, align: readonly Align[]): string {
  const widths: number[] = [];
  for (const row of rows) {
    row.forEach((cell, i) => {
      widths[i] = Math.max(widths[i] ?? 0, cell.length);
    });
  }
  return rows
    .map((row) =>
      row
        .map((cell, i) => ((align[i] ?? 'l') === 'r' ? cell.padStart(widths[i]) : cell.padEnd(widths[i])))
        .join('   ')
        .trimEnd()
    )
    .join('\n');
}

/** Formats a number with fixed decimals, or `-` when it is missing or not finite. */
export function fmt(v: number | null | undefined, decimals = 2): string {
  return v === null || v === undefined || !Number.isFinite(v) ? '-' : v.toFixed(decimals);
}
