import { styleText } from 'node:util';
import Table from 'cli-table3';

/** The output formats of commands that print records. */
export const FORMATS = ['table', 'json', 'csv'] as const;
export type Format = (typeof FORMATS)[number];

/** One column of a record listing: its header and how to read it from a record. */
export interface Column<T> {
  header: string;
  value: (row: T) => string | number | boolean | null | undefined;
  /** How a value is shown in a table (e.g. coloured, relative time); json and csv get `value`. */
  show?: (row: T) => string;
}

type Color = Parameters<typeof styleText>[0];

/** Output decides about colour from its own stream, so styleText must not second-guess it. */
function paint(color: Color, text: string): string {
  return (styleText as (c: Color, t: string, o: { validateStream: boolean }) => string)(color, text, { validateStream: false });
}
const SEVERITY_COLORS: Record<string, Color> = { critical: 'red', high: 'yellow', medium: 'cyan', low: 'gray' };

/** Where a command writes: stdout for results, stderr for messages; colour only on a terminal. */
export class Output {
  constructor(
    private readonly stdout: NodeJS.WritableStream & { isTTY?: boolean },
    private readonly stderr: NodeJS.WritableStream,
    readonly color = Boolean(stdout.isTTY) && !process.env.NO_COLOR
  ) {}

  /** Writes a line (or lines) of result. */
  line(text = ''): void {
    this.stdout.write(`${text}\n`);
  }

  /** A message for the person, not for scripts. */
  note(text: string): void {
    this.stderr.write(`${text}\n`);
  }

  error(text: string): void {
    this.stderr.write(`error: ${text}\n`);
  }

  json(value: unknown): void {
    this.line(JSON.stringify(value, null, 2));
  }

  /** Records in a format: a box table, a JSON array of objects keyed by header, or CSV with a header row. */
  records<T>(rows: T[], columns: Array<Column<T>>, format: Format): void {
    if (format === 'json') {
      this.json(rows.map((r) => Object.fromEntries(columns.map((c) => [key(c.header), c.value(r) ?? null]))));
    } else if (format === 'csv') {
      this.line(csv([columns.map((c) => c.header), ...rows.map((r) => columns.map((c) => c.value(r)))]));
    } else {
      this.table(
        columns.map((c) => c.header),
        rows.map((r) => columns.map((c) => (c.show ? c.show(r) : String(c.value(r) ?? ''))))
      );
    }
  }

  /** A box table as docs/cli.md draws them. */
  table(head: string[], rows: string[][]): void {
    // No rule between data rows, as in docs/cli.md.
    const t = new Table({ head, style: { head: this.color ? ['bold'] : [], border: [] }, chars: { mid: '', 'left-mid': '', 'mid-mid': '', 'right-mid': '' } });
    t.push(...rows);
    const lines = t.toString().split('\n');
    // A rule under the header only: the top border with its corners turned into joints.
    const rule = lines[0].replace('┌', '├').replace(/┬/g, '┼').replace('┐', '┤');
    this.line([lines[0], lines[1], rule, ...lines.slice(2)].join('\n'));
  }

  /** A severity as the CLI shows it (upper case), coloured on a terminal. */
  severity(s: string): string {
    const text = s.toUpperCase();
    const color = SEVERITY_COLORS[s.toLowerCase()];
    return this.color && color ? paint(color, text) : text;
  }

  bold(text: string): string {
    return this.color ? paint('bold', text) : text;
  }
}

/** A header as a JSON key: "Incident ID" -> "incident_id". */
function key(header: string): string {
  return header.toLowerCase().replace(/[^a-z0-9]+/g, '_').replace(/^_|_$/g, '');
}

/** RFC 4180 CSV. */
export function csv(rows: Array<Array<string | number | boolean | null | undefined>>): string {
  return rows
    .map((r) =>
      r
        .map((v) => {
          const s = v === null || v === undefined ? '' : String(v);
          return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
        })
        .join(',')
    )
    .join('\n');
}

/** "5m ago", "2h ago", "in 3s": how long ago an ISO time was, as the CLI's tables show it. */
export function relativeTime(isoTime: string | null | undefined, now: number): string {
  if (!isoTime) {
    return '-';
  }
  const seconds = Math.round((now - Date.parse(isoTime)) / 1000);
  const abs = Math.abs(seconds);
  const unit = abs < 60 ? `${abs}s` : abs < 3600 ? `${Math.floor(abs / 60)}m` : abs < 86400 ? `${Math.floor(abs / 3600)}h` : `${Math.floor(abs / 86400)}d`;
  return seconds >= 0 ? `${unit} ago` : `in ${unit}`;
}

/** Seconds as a short duration: "45s", "2.3m", "1.5h". */
export function shortDuration(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined) {
    return '-';
  }
  return seconds < 60 ? `${seconds.toFixed(1)}s` : seconds < 3600 ? `${(seconds / 60).toFixed(1)}m` : `${(seconds / 3600).toFixed(1)}h`;
}
