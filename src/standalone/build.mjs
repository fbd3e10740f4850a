// Bundles the plugin's pages with the standalone host (src/standalone/main.tsx) into backend/dist/pages,
// which the backend serves at `/`. Run by `npm run build:pages`.
import * as esbuild from 'esbuild';
import { cpSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const out = join(root, 'backend/dist/pages');
const require = createRequire(join(root, 'package.json'));
const grafana = (name) => join(dirname(require.resolve(`@grafana/${name}/package.json`)), 'dist/cjs');

// Grafana's packages as their CommonJS builds (one copy of each, as Grafana loads them), and the
// runtime's internal PluginPage setter (src/standalone/grafanaInternals.ts).
const resolveGrafana = {
  name: 'grafana-packages',
  setup(build) {
    build.onResolve({ filter: /^@grafana\/(data|ui|runtime|schema|i18n)$/ }, (args) => ({
      path: join(grafana(args.path.slice('@grafana/'.length)), 'index.cjs'),
    }));
    build.onResolve({ filter: /^grafana-runtime-internal\/plugin-page$/ }, () => ({
      path: join(grafana('runtime'), 'components/PluginPage.cjs'),
    }));
  },
};

const started = Date.now();
rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });
const result = await esbuild.build({
  entryPoints: { app: join(root, 'src/standalone/main.tsx') },
  outdir: join(out, 'assets'),
  bundle: true,
  format: 'esm',
  splitting: true,
  minify: true,
  sourcemap: 'linked',
  target: 'es2022',
  jsx: 'automatic',
  tsconfig: join(root, 'tsconfig.json'),
  loader: { '.svg': 'file', '.png': 'file', '.woff': 'file', '.woff2': 'file', '.ttf': 'file' },
  define: { 'process.env.NODE_ENV': '"production"', global: 'globalThis' },
  plugins: [resolveGrafana],
  logLevel: 'warning',
  metafile: true,
});

// Grafana serves its icons and the plugins' files from /public; the pages ask for them there.
cpSync(join(root, 'node_modules/@grafana/ui/dist/public/img/icons'), join(out, 'public/build/img/icons'), {
  recursive: true,
});
cpSync(join(root, 'src/img'), join(out, 'public/plugins/mahavishnu-incidents-app/img'), { recursive: true });
// Grafana ships its loading spinner beside the icons, not in @grafana/ui: a plain one in its place.
writeFileSync(
  join(out, 'public/build/img/icons/unicons/spinner.svg'),
  '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24"><path d="M12 2a10 10 0 1 0 10 10h-2a8 8 0 1 1-8-8z"/></svg>\n'
);
// Grafana's text font, Inter, under the names its global styles ask for (Latin, from @fontsource).
const fonts = join(dirname(require.resolve('@fontsource/inter/package.json')), 'files');
mkdirSync(join(out, 'public/fonts/inter'), { recursive: true });
for (const [file, as] of [
  ['inter-latin-400-normal.woff2', 'Inter-Regular.woff2'],
  ['inter-latin-500-normal.woff2', 'Inter-Medium.woff2'],
  ['inter-latin-400-italic.woff2', 'Inter-Italic.woff2'],
  ['inter-latin-500-italic.woff2', 'Inter-MediumItalic.woff2'],
]) {
  cpSync(join(fonts, file), join(out, 'public/fonts/inter', as));
}

const css = Object.keys(result.metafile.outputs).some((file) => file.endsWith('assets/app.css'));
writeFileSync(
  join(out, 'index.html'),
  `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <base href="/" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <title>Incident Response</title>
    <link rel="icon" href="/public/plugins/mahavishnu-incidents-app/img/logo.svg" />
    ${css ? '<link rel="stylesheet" href="/assets/app.css" />' : ''}
  </head>
  <body>
    <div id="root"></div>
    <script type="module" src="/assets/app.js"></script>
  </body>
</html>
`
);
const bytes = Object.entries(result.metafile.outputs)
  .filter(([file]) => file.endsWith('.js'))
  .reduce((sum, [, o]) => sum + o.bytes, 0);
console.log(`standalone pages: ${out} (${(bytes / 1e6).toFixed(1)} MB of JavaScript, ${Date.now() - started} ms)`);
