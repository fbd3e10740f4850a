import CopyWebpackPlugin from 'copy-webpack-plugin';
import type { Configuration } from 'webpack';
import { merge } from 'webpack-merge';
import grafanaConfig, { type Env } from './.config/webpack/webpack.config';

/**
 * The scaffold's build (`.config/` stays untouched), extended: the scaffold copies only the app's own
 * logo, so the nested panel's and datasource's images are copied here.
 */
const config = async (env: Env): Promise<Configuration> => {
  const baseConfig = await grafanaConfig(env);
  return merge(baseConfig, {
    plugins: [new CopyWebpackPlugin({ patterns: [{ from: '{panels,datasources}/*/img/*', to: '.' }] })],
  });
};

export default config;
