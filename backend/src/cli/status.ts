import { Command } from 'commander';

/** `mahavishnu incidents status`: is the backend up, ready, and how far has the engine got. */
export function statusCommand(): Command {
  return new Command('status')
    .description('show whether the backend is up and ready')
    .option('--url <url>', 'backend URL (env MAHAVISHNU_URL)', process.env.MAHAVISHNU_URL ?? 'http://127.0.0.1:8080')
    .action(async (opts: { url: string }) => {
      let res: Response;
      try {
        res = await fetch(new URL('/readyz', opts.url));
      } catch {
        process.stderr.write(`backend not reachable at ${opts.url}: start it with \`mahavishnu incidents start\`\n`);
        process.exitCode = 3;
        return;
      }
      const body = (await res.json()) as Record<string, unknown>;
      process.stdout.write(`${opts.url}: ${res.ok ? 'ready' : 'not ready'} ${JSON.stringify(body)}\n`);
      process.exitCode = res.ok ? 0 : 1;
    });
}
