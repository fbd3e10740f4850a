import { randomBytes } from 'node:crypto';

/** Gives the run an id, inherited by the workers, under which test-store.ts lists the PostgreSQL schemas it makes. */
export default function globalSetup(): void {
  process.env.MAHAVISHNU_TEST_RUN ??= `${process.pid}-${randomBytes(4).toString('hex')}`;
}
