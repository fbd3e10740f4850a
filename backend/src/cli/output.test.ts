import { Writable } from 'node:stream';
import { csv, Output, relativeTime, shortDuration } from './output';

function sink(isTTY: boolean): Writable & { isTTY?: boolean; text: string } {
  const w = new Writable({
    write(chunk, _enc, cb) {
      w.text += String(chunk);
      cb();
    },
  }) as Writable & { isTTY?: boolean; text: string };
  w.text = '';
  w.isTTY = isTTY;
  return w;
}

describe('CLI output', () => {
  const rows = [{ id: 'inc_1', sev: 'critical', title: 'a, "quoted"\ntitle' }];
  const columns = [
    { header: 'Incident ID', value: (r: (typeof rows)[0]) => r.id },
    { header: 'Severity', value: (r: (typeof rows)[0]) => r.sev },
    { header: 'Title', value: (r: (typeof rows)[0]) => r.title },
  ];

  it('colours severities on a terminal and never when piped', () => {
    const tty = sink(true);
    const out = new Output(tty, sink(false), true);
    expect(out.severity('critical')).toBe('\u001b[31mCRITICAL\u001b[39m');
    const piped = new Output(sink(false), sink(false));
    expect(piped.color).toBe(false);
    expect(piped.severity('critical')).toBe('CRITICAL');
  });

  it('writes JSON keyed by header and RFC 4180 CSV', () => {
    const stdout = sink(false);
    new Output(stdout, sink(false)).records(rows, columns, 'json');
    expect(JSON.parse(stdout.text)).toEqual([{ incident_id: 'inc_1', severity: 'critical', title: 'a, "quoted"\ntitle' }]);
    expect(csv([['a', 'b,c', 'say "hi"', null]])).toBe('a,"b,c","say ""hi""",');
  });

  it('says how long ago, as the CLI tables do', () => {
    const now = Date.parse('2026-11-26T10:00:00Z');
    expect(relativeTime('2026-11-26T09:55:00Z', now)).toBe('5m ago');
    expect(relativeTime('2026-11-26T08:00:00Z', now)).toBe('2h ago');
    expect(relativeTime('2026-11-24T10:00:00Z', now)).toBe('2d ago');
    expect(relativeTime(null, now)).toBe('-');
    expect(shortDuration(138)).toBe('2.3m');
    expect(shortDuration(2712)).toBe('45.2m');
  });
});
