/** Appended when a program said more than the limit. */
export const TRUNCATED_MARKER = '\n[output truncated]';

/**
 * stdout and stderr in arrival order, kept up to a byte limit. Past the limit chunks are dropped but
 * still read, so a chatty program never blocks on a full pipe.
 */
export class OutputCollector {
  private readonly chunks: Buffer[] = [];
  private size = 0;
  private truncated = false;

  constructor(private readonly limitBytes: number) {}

  add(chunk: Buffer): void {
    const room = this.limitBytes - this.size;
    if (chunk.length > room) this.truncated = true;
    if (room <= 0) return;
    const kept = chunk.length > room ? chunk.subarray(0, room) : chunk;
    this.chunks.push(kept);
    this.size += kept.length;
  }

  text(): string {
    const text = Buffer.concat(this.chunks).toString('utf8');
    return this.truncated ? text + TRUNCATED_MARKER : text;
  }
}
