// Builds the test with esbuild (type checking is `tsc --noEmit`, run by run.sh):
//   build/page/{index.html,bundle.js,bundle.css}  the notebook page (src/)
//   build/driver.cjs                              the Chromium driver (driver/)
import * as esbuild from 'esbuild';
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const here = path.dirname(new URL(import.meta.url).pathname);
const out = path.join(here, 'build');
fs.rmSync(out, { recursive: true, force: true });
fs.mkdirSync(path.join(out, 'page'), { recursive: true });

// JupyterLab's packages import .svg files from JavaScript as text (icons),
// while their CSS refers to .svg files with url(...), which must become data
// URIs. esbuild chooses loaders by extension, so CSS urls go through a
// namespace of their own. "~pkg/file" in CSS is webpack's package syntax.
const cssAssets = {
  name: 'css-assets',
  setup(build) {
    build.onResolve({ filter: /\.svg$/ }, args => {
      if (args.kind !== 'url-token') return undefined;
      const p = args.path.startsWith('~')
        ? require.resolve(args.path.slice(1), { paths: [args.resolveDir] })
        : path.resolve(args.resolveDir, args.path);
      return { path: p, namespace: 'svg-data-url' };
    });
    build.onLoad({ filter: /.*/, namespace: 'svg-data-url' }, args => ({
      contents: fs.readFileSync(args.path),
      loader: 'dataurl'
    }));
    build.onResolve({ filter: /^~/ }, args => ({
      path: require.resolve(args.path.slice(1), { paths: [args.resolveDir] })
    }));
  }
};

const t0 = Date.now();
const page = await esbuild.build({
  entryPoints: { bundle: path.join(here, 'src/index.ts') },
  bundle: true,
  outdir: path.join(out, 'page'),
  format: 'iife',
  platform: 'browser',
  target: 'es2020',
  metafile: true,
  logLevel: 'warning',
  define: { 'process.env.NODE_ENV': '"production"', global: 'globalThis' },
  // a few dependencies read process.env or process.cwd()
  banner: { js: 'var process = globalThis.process || { env: {}, cwd: () => "/" };' },
  loader: {
    '.svg': 'text',
    '.md': 'text',
    '.raw.css': 'text',
    '.html': 'text',
    '.png': 'dataurl',
    '.gif': 'dataurl',
    '.jpg': 'dataurl',
    '.woff': 'dataurl',
    '.woff2': 'dataurl',
    '.ttf': 'dataurl',
    '.eot': 'dataurl'
  },
  plugins: [cssAssets]
});
fs.copyFileSync(path.join(here, 'src/index.html'), path.join(out, 'page/index.html'));

await esbuild.build({
  entryPoints: [path.join(here, 'driver/main.ts')],
  bundle: true,
  outfile: path.join(out, 'driver.cjs'),
  format: 'cjs',
  platform: 'node',
  target: 'node18',
  external: ['playwright-core'],
  logLevel: 'warning'
});

// Packages that keep module-level state (registries, signals, design tokens,
// the Yjs document) must be bundled once; two copies break the page quietly.
const dirs = {};
for (const f of Object.keys(page.metafile.inputs)) {
  const m = f.match(/^([^:]*node_modules\/((?:@[^/]+\/)?[^/]+))\//);
  if (m && /^(@jupyter\/|@jupyterlab\/|@lumino\/|@codemirror\/|@lezer\/|yjs$|react$|react-dom$)/.test(m[2])) {
    (dirs[m[2]] ??= new Set()).add(m[1]);
  }
}
const twice = Object.entries(dirs).filter(([, d]) => d.size > 1);
for (const [pkg, d] of twice) console.error(`build.mjs: ${pkg} bundled twice: ${[...d].join(', ')}`);
const mb = f => (fs.statSync(path.join(out, f)).size / 1e6).toFixed(1) + ' MB';
console.log(`tests/lab: built in ${((Date.now() - t0) / 1000).toFixed(1)} s (page/bundle.js ${mb('page/bundle.js')}, page/bundle.css ${mb('page/bundle.css')})`);
if (twice.length) process.exit(1);
