import CopyWebpackPlugin from 'copy-webpack-plugin';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Configuration } from 'webpack';
import { merge } from 'webpack-merge';
import grafanaConfig, { type Env } from './.config/webpack/webpack.config';

/**
 * The aliases of tsconfig.json's `paths` (`@mahavishnu/wire/...`: the backend's wire types and client) for
 * webpack's resolver, so that they are written in one place: an exact alias ends in `$`, a `/*` one is a prefix.
 */
function aliasesOfTsconfig(): Record<string, string> {
  const tsconfig = JSON.parse(readFileSync(path.join(__dirname, 'tsconfig.json'), 'utf8'));
  const paths: Record<string, string[]> = tsconfig.compilerOptions.paths;
  // The scaffold's tsconfig sets baseUrl to src/, which the paths are relative to.
  const baseUrl = path.join(__dirname, 'src');
  return Object.fromEntries(
    Object.entries(paths).map(([from, [to]]) =>
      from.endsWith('/*')
        ? [from.slice(0, -2), path.resolve(baseUrl, to.slice(0, -2))]
        : [`${from}$`, path.resolve(baseUrl, to)]
    )
  );
}

/**
 * The scaffold's build (`.config/` stays untouched), extended: the wire types' aliases of tsconfig.json, and
 * the nested panel's and datasource's images (the scaffold copies only the app's own logo).
 */
const config = async (env: Env): Promise<Configuration> => {
  const baseConfig = await grafanaConfig(env);
  return merge(baseConfig, {
    resolve: { alias: aliasesOfTsconfig() },
    plugins: [new CopyWebpackPlugin({ patterns: [{ from: '{panels,datasources}/*/img/*', to: '.' }] })],
  });
};

export default config;
