// The JupyterLab browser test of the warren kernel. Started by
// tests/lab/run.sh, which says what each variable means:
//   LAB_URL, LAB_TOKEN  a running Jupyter server (jupyter-server or notebook)
//   LAB_NB_DIR          where solutions/ and exercises/ are under its root
//   LAB_PAGE            the built page (build/page)
//   LAB_DEBUG           the debugger scenarios to run (driver/debugger.ts)
//   CHROMIUM, PROFILE_DIR, OUT_DIR
//
// Chromium opens <LAB_URL>warren-lab/index.html; the driver answers every
// request under <LAB_URL>warren-lab/ from LAB_PAGE itself (Playwright's
// request routing), so the page has the server's origin and the server
// needs no static files of ours. Everything else goes to the server.
import { chromium } from 'playwright-core';
import type { BrowserContext, Page } from 'playwright-core';
import fs from 'node:fs';
import path from 'node:path';
import { debugScenario, debugScenarios, deleteNotebook, putNotebook } from './debugger';
import { interactive } from './interactive';
import { exercise, solution } from './notebooks';

/** Collects the test's results; a failed check does not stop the test. */
export class Checker {
  failures: string[] = [];
  passed = 0;
  constructor(readonly token: string) {}

  ok(cond: boolean, what: string): void {
    console.log(`${cond ? 'ok  ' : 'FAIL'} ${what}`);
    if (cond) this.passed++;
    else this.failures.push(what);
  }

  /** Runs a step; an exception fails it (and the test) but not the steps after it. */
  async step(name: string, fn: () => Promise<void>): Promise<void> {
    const t0 = Date.now();
    console.log(`---- ${name}`);
    try {
      await fn();
    } catch (e) {
      this.ok(false, `${name}: ${String((e as Error).stack ?? e).split('\n').slice(0, 3).join(' | ')}`);
    }
    console.log(`     (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
  }
}

function env(name: string, fallback?: string): string {
  const v = process.env[name] ?? fallback;
  if (v === undefined || v === '') {
    console.error(`driver: ${name} is not set (run tests/lab/run.sh)`);
    process.exit(2);
  }
  return v;
}

const types: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css' };

/** Serves LAB_PAGE at <base>warren-lab/ to the browser. */
async function servePage(context: BrowserContext, base: string, dir: string): Promise<void> {
  const prefix = new URL('warren-lab/', base);
  await context.route(u => u.href.startsWith(prefix.href), async route => {
    const rel = decodeURIComponent(new URL(route.request().url()).pathname.slice(prefix.pathname.length));
    const file = path.join(dir, rel);
    if (!file.startsWith(dir + path.sep) || !fs.existsSync(file)) return route.fulfill({ status: 404, body: 'not found' });
    return route.fulfill({ status: 200, path: file, contentType: types[path.extname(file)] ?? 'application/octet-stream' });
  });
}

/** The notebooks in dir on the server, by the contents API. */
async function list(base: string, token: string, dir: string): Promise<string[]> {
  const r = await fetch(new URL(`api/contents/${dir.split('/').map(encodeURIComponent).join('/')}`, base), {
    headers: { Authorization: `token ${token}` }
  });
  if (!r.ok) throw new Error(`GET api/contents/${dir}: ${r.status}`);
  const body = (await r.json()) as { content: { path: string; type: string }[] };
  return body.content.filter(c => c.type === 'notebook').map(c => c.path).sort();
}

/** The kernelspecs the server offers. */
async function kernelspecs(base: string, token: string): Promise<string[]> {
  const r = await fetch(new URL('api/kernelspecs', base), { headers: { Authorization: `token ${token}` } });
  return Object.keys(((await r.json()) as { kernelspecs: Record<string, unknown> }).kernelspecs);
}

async function kernelIds(base: string, token: string): Promise<string[]> {
  const r = await fetch(new URL('api/kernels', base), { headers: { Authorization: `token ${token}` } });
  return ((await r.json()) as { id: string }[]).map(k => k.id);
}

/** Shuts down the kernel of the page's notebook, if it has one (after a failed step too). */
async function shutdown(page: Page): Promise<void> {
  await page.evaluate(() => window.lab?.panel.sessionContext.shutdown()).catch(() => undefined);
}

async function main(): Promise<void> {
  const base = env('LAB_URL').replace(/\/?$/, '/');
  const token = env('LAB_TOKEN');
  const nbDir = (process.env.LAB_NB_DIR ?? '').replace(/^\/+|\/+$/g, '');
  const pageDir = path.resolve(env('LAB_PAGE'));
  const out = env('OUT_DIR');
  const only = process.env.LAB_ONLY ?? ''; // a substring of the steps to run (development)
  fs.mkdirSync(out, { recursive: true });
  const check = new Checker(token);
  const t0 = Date.now();
  const kernelsBefore = new Set(await kernelIds(base, token));

  const context = await chromium.launchPersistentContext(env('PROFILE_DIR'), {
    executablePath: env('CHROMIUM', '/usr/bin/chromium'),
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync',
      // The page comes from the driver (request routing), so Chromium does not
      // know it came from 127.0.0.1 and would treat the kernel websocket to the
      // server as a public page reaching into the local network, and block it.
      '--disable-features=LocalNetworkAccessChecks'],
    viewport: { width: 1280, height: 900 },
    timeout: 60_000
  });
  const log: string[] = [];
  let page: Page | undefined;
  try {
    await servePage(context, base, pageDir);
    page = context.pages()[0] ?? (await context.newPage());
    page.setDefaultTimeout(60_000);
    const p = page;
    p.on('console', m => log.push(`${m.type()}: ${m.text()}`));
    p.on('pageerror', e => log.push(`pageerror: ${e.message}`));
    const join = (d: string) => (nbDir ? `${nbDir}/${d}` : d);
    for (const nb of await list(base, token, join('solutions'))) {
      const name = path.basename(nb, '.ipynb');
      if (!`solutions/${name}`.includes(only)) continue;
      await check.step(`Run All: ${nb}`, () => solution(p, base, nb, path.join(out, `solutions-${name}`), check));
      await shutdown(p);
    }
    for (const nb of await list(base, token, join('exercises'))) {
      const name = path.basename(nb, '.ipynb');
      if (!`exercises/${name}`.includes(only)) continue;
      await check.step(`Run All: ${nb}`, () => exercise(p, base, nb, name, path.join(out, `exercises-${name}`), check));
      await shutdown(p);
    }
    if ('interactive'.includes(only) || only === '') {
      await check.step('interactive', () =>
        interactive(p, base, join('solutions/exercise_1.ipynb'), path.join(out, 'interactive'), check));
      await shutdown(p);
    }
    // JupyterLab's debugger: the scenarios LAB_DEBUG names (see run.sh).
    const specs = await kernelspecs(base, token);
    for (const scenario of (process.env.LAB_DEBUG ?? '').split(/\s+/).filter(k => k)) {
      const s = debugScenarios.find(d => d.name === scenario);
      const name = `debugger/${scenario}`;
      if (!name.includes(only)) continue;
      if (!s || !specs.includes(s.kernel)) {
        check.ok(false, `${name}: ${s ? `the server has no kernelspec ${s.kernel} (${specs.join(', ')})` : 'no such scenario'}`);
        continue;
      }
      const nb = join(`debugger-${scenario}.ipynb`);
      await putNotebook(base, token, nb, s);
      await check.step(name, () => debugScenario(p, base, nb, s, path.join(out, `debugger-${scenario}`), check));
      await shutdown(p);
      await deleteNotebook(base, token, nb);
    }
  } catch (e) {
    check.ok(false, `driver: ${(e as Error).stack ?? e}`);
  } finally {
    if (check.failures.length && page) await page.screenshot({ path: path.join(out, 'failure.png') }).catch(() => {});
    fs.writeFileSync(path.join(out, 'console.log'), log.join('\n') + '\n');
    await context.close().catch(() => {});
  }
  // Every kernel this test started has been shut down.
  const left = (await kernelIds(base, token)).filter(id => !kernelsBefore.has(id));
  check.ok(left.length === 0, `no kernel left running (${JSON.stringify(left)})`);
  console.log(`tests/lab: ${((Date.now() - t0) / 1000).toFixed(0)} s; screenshots in ${out}`);
  // The plain closing line CI reads.
  console.log(`${check.passed} passed, ${check.failures.length} failed`);
  if (check.failures.length) console.log('failed:\n  ' + check.failures.join('\n  '));
  process.exit(check.failures.length ? 1 : 0);
}

void main();
