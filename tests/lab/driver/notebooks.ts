// Run All on the workshop notebooks: every verify cell of a solution prints
// its success line; every exercise, run as handed out, stops with an error
// in a verify cell. A verify cell is the code cell after a markdown cell
// that starts with "**VERIFY".
import type { Page } from 'playwright-core';
import { LIMIT, cellAt, cellCount, cellInfo, outputs, screenshot, toolbar, waitKernel } from './lab';
import type { Output } from './lab';
import { svgFit } from './svg';
import type { Checker } from './main';

/** The error an unsolved exercise stops with (as in tests/notebooks/run.sh). */
export const exerciseErrors: Record<string, string> = {
  exercise_1: 'This is too slow',
  exercise_2: 'loadData must be a remote function',
  exercise_2_scraping: 'This is too slow',
  exercise_3: 'computeGradient must be a remote function',
  exercise_4_actors: 'The parameter server must be an actor'
};

interface Cell {
  index: number;
  type: string;
  source: string;
  count: number | null;
  verify: boolean;
}

async function cells(page: Page): Promise<Cell[]> {
  const res: Cell[] = [];
  const n = await cellCount(page);
  let afterVerify = false;
  for (let i = 0; i < n; i++) {
    const c = await cellInfo(page, i);
    res.push({ index: i, ...c, verify: c.type === 'code' && afterVerify });
    afterVerify = c.type === 'markdown' && c.source.trimStart().startsWith('**VERIFY');
  }
  return res;
}

/** What a verify cell prints when it passes: its last line's format string, up to the first verb. */
export function successLine(source: string): string {
  const last = source.trimEnd().split('\n').pop() ?? '';
  const m = /^fmt\.Print(?:f|ln)?\("((?:[^"\\%]|\\.)*)/.exec(last);
  if (!m) throw new Error(`verify cell does not end with a fmt.Print of its success line: ${JSON.stringify(last)}`);
  return m[1].replace(/\\n$/, '');
}

/** Opens path, clicks Run All in the toolbar and waits until the batch is done. */
export async function runAll(page: Page, base: string, path: string, check: Checker): Promise<Cell[]> {
  await page.goto(`${base}warren-lab/index.html?path=${encodeURIComponent(path)}#token=${encodeURIComponent(check.token)}`);
  const k = await waitKernel(page);
  check.ok(k.name === 'warren' && k.language === 'go', `${path}: kernel ${JSON.stringify(k)} is warren, language go`);
  check.ok(
    await page.locator('.jp-KernelName').first().innerText().then(t => t.includes('Go (warren)')),
    `${path}: toolbar names the kernel "Go (warren)"`
  );
  const b0 = await page.evaluate(() => window.lab.batches);
  const t0 = Date.now();
  await toolbar(page, 'notebook:run-all-cells');
  await page.waitForFunction(
    b0 => window.lab.batches > b0 && window.lab.panel.sessionContext.session?.kernel?.status === 'idle',
    b0,
    { timeout: LIMIT.runAll, polling: 100 }
  );
  console.log(`     ${path}: Run All done in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  return cells(page);
}

async function shutdown(page: Page): Promise<void> {
  await page.evaluate(() => window.lab.panel.sessionContext.shutdown());
}

/**
 * What exercise 1's verify cell says when the loop ran in parallel but the
 * machine woke the tasks up more than 0.1 s late; the notebook then tells
 * the attendee to run the cells again.
 */
const busyMachine = /too busy to wake the tasks up on time/;

export async function solution(page: Page, base: string, path: string, shots: string, check: Checker): Promise<void> {
  let cs = await runAll(page, base, path, check);
  for (const c of cs.filter(c => c.verify)) {
    const text = (await outputs(page, c.index)).map(o => o.text).join('');
    if (busyMachine.test(text)) {
      console.log(`     note: the machine was too busy for the timing window; as the notebook says, running again: ${text.trim()}`);
      await shutdown(page);
      cs = await runAll(page, base, path, check);
      break;
    }
  }
  try {
    const code = cs.filter(c => c.type === 'code');
    check.ok(code.every(c => typeof c.count === 'number'), `${path}: every code cell ran (counts ${JSON.stringify(code.map(c => c.count))})`);
    const failed = await page.evaluate(() => window.lab.executed.filter(e => !e.success).map(e => e.index));
    check.ok(failed.length === 0, `${path}: no cell failed (${JSON.stringify(failed)})`);
    const verify = code.filter(c => c.verify);
    check.ok(verify.length > 0, `${path}: has verify cells (${verify.length})`);
    for (const v of verify) {
      const out = await outputs(page, v.index);
      const want = successLine(v.source);
      const got = out.map(o => o.text).join('');
      check.ok(out.some(o => o.type === 'stream' && o.name === 'stdout' && o.text.split('\n').some(l => l.startsWith(want))) && !out.some(o => o.type === 'error'),
        `${path}: verify cell ${v.index} prints ${JSON.stringify(want)} (${JSON.stringify(got.trim())})`);
    }
    for (const c of code) {
      const errs = (await outputs(page, c.index)).filter(o => o.type === 'error' || o.name === 'stderr');
      check.ok(errs.length === 0, `${path}: cell ${c.index} has no error or stderr output${errs.length ? ' ' + JSON.stringify(errs) : ''}`);
    }
    // The timeline: the last cell draws it as image/svg+xml, which JupyterLab shows as an <img>.
    const last = code[code.length - 1];
    if (last.source.includes('ray.Timeline(')) await timeline(page, path, last.index, shots, check);
    await screenshot(page, `${shots}.png`);
  } finally {
    await shutdown(page);
  }
}

/**
 * Checks the timeline of cell i is drawn in full at the page's width and at
 * a laptop's (an output area narrower than the chart's 900 px, where the
 * image is scaled down).
 */
async function timeline(page: Page, path: string, i: number, shots: string, check: Checker): Promise<void> {
  const out = await outputs(page, i);
  check.ok(out.some(o => o.svg?.includes('ray timeline:')), `${path}: the timeline cell shows an image/svg+xml chart`);
  const img = cellAt(page, i).locator('.jp-OutputArea-output img[src^="data:image/svg+xml"]').first();
  const size = page.viewportSize()!;
  for (const width of [size.width, 760]) {
    await page.setViewportSize({ width, height: size.height });
    await img.scrollIntoViewIfNeeded();
    await page.waitForFunction(el => (el as HTMLImageElement).complete && (el as HTMLImageElement).naturalWidth > 0, await img.elementHandle());
    const fit = await svgFit(img);
    const axis = fit.texts.slice(-6).join(' … ');
    check.ok(fit.outside.length === 0 && fit.texts.length > 6 && fit.cut.right < 1 && fit.cut.bottom < 1,
      `${path}: at a ${width} px wide page the timeline is drawn ${fit.drawn.width}x${fit.drawn.height} (viewBox ${fit.viewBox}) and shows every text; axis ${axis}` +
        (fit.outside.length ? `; outside the image: ${fit.outside.join('; ')}` : '') +
        (fit.cut.right >= 1 || fit.cut.bottom >= 1 ? `; the output area cuts ${fit.cut.right.toFixed(0)} px on the right, ${fit.cut.bottom.toFixed(0)} px at the bottom` : ''));
    const vb = (fit.viewBox ?? '').split(/[\s,]+/).map(Number);
    const ratio = vb.length === 4 ? fit.drawn.width / fit.drawn.height / (vb[2] / vb[3]) : NaN;
    check.ok(Math.abs(ratio - 1) < 0.02, `${path}: the timeline keeps its proportions (drawn/viewBox aspect ${ratio.toFixed(3)})`);
    await img.screenshot({ path: `${shots}-timeline-${width}.png` });
  }
  await page.setViewportSize(size);
}

export async function exercise(page: Page, base: string, path: string, name: string, shots: string, check: Checker): Promise<void> {
  const want = exerciseErrors[name];
  if (!want) {
    check.ok(false, `${path}: no expected verify error for ${name} in driver/notebooks.ts`);
    return;
  }
  const cs = await runAll(page, base, path, check);
  try {
    // The first cell with an error output (JupyterLab ends the batch at the
    // first error reply; the error output is then already in the model).
    let first: Cell | undefined;
    let out: Output[] = [];
    for (const c of cs.filter(c => c.type === 'code')) {
      const o = await outputs(page, c.index);
      if (o.some(x => x.type === 'error')) {
        first = c;
        out = o;
        break;
      }
    }
    const err = out.find(o => o.type === 'error');
    check.ok(!!first && first.verify && !!err && err.text.includes(want),
      `${path}: Run All stops in a verify cell with ${JSON.stringify(want)} (cell ${first?.index}, verify ${first?.verify}: ${JSON.stringify(err?.text ?? out)})`);
    if (first) {
      // The error is drawn under its cell, styled as an error.
      const node = cellAt(page, first.index).locator('.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]').filter({ hasText: want });
      check.ok((await node.count()) === 1, `${path}: the error is rendered under the verify cell`);
      const before = cs.filter(c => c.type === 'code' && c.index < first.index);
      check.ok(before.every(c => typeof c.count === 'number'), `${path}: every code cell before it ran (${JSON.stringify(before.map(c => c.count))})`);
    }
    await screenshot(page, `${shots}.png`);
  } finally {
    await shutdown(page);
  }
}
