/** Runs tasks one at a time in the order given: the engine's single writer. */
export class SerialQueue {
  private tail: Promise<unknown> = Promise.resolve();
  private pending = 0;

  run<T>(task: () => Promise<T>): Promise<T> {
    this.pending += 1;
    const result = this.tail.then(task);
    this.tail = result.then(
      () => this.pending--,
      () => this.pending--
    );
    return result;
  }

  /** Resolves once everything queued so far has run. */
  async idle(): Promise<void> {
    while (this.pending > 0) {
      await this.tail;
    }
  }
}
