// Helpers that act on the JupyterLab notebook page as a user does (clicks,
// key presses) and read its state through window.lab (src/handle.ts).
// Synchronisation is on the page's state; the only waits by the clock are
// polling intervals.
import type { Locator, Page } from 'playwright-core';
import type {} from '../src/handle';

/** Generous limits: CI machines are slow and shared. A slow step passes; only a step that never happens fails. */
export const LIMIT = {
  kernel: 90_000,
  cell: 60_000,
  runAll: 180_000,
  interrupt: 30_000
};

/** One output of a cell, from the notebook model. */
export interface Output {
  type: string; // execute_result, display_data, stream, error
  name?: string; // stream name
  text: string; // stream text, text/plain, or ename: evalue for errors
  html?: string; // text/html, if any
  svg?: string; // image/svg+xml, if any
}

/** Waits until the page is built and its kernel is connected, idle and warren. */
export async function waitKernel(page: Page): Promise<{ name: string; language: string; display: string }> {
  await page.waitForSelector('body[data-lab-ready="true"]', { state: 'attached', timeout: LIMIT.kernel });
  await page
    .waitForFunction(
      () => {
        const k = window.lab.panel.sessionContext.session?.kernel;
        return !!k && k.connectionStatus === 'connected' && k.status === 'idle';
      },
      null,
      { timeout: LIMIT.kernel, polling: 100 }
    )
    .catch(async e => {
      const k = await page.evaluate(() => {
        const k = window.lab.panel.sessionContext.session?.kernel;
        return k ? { name: k.name, connection: k.connectionStatus, status: k.status } : null;
      });
      throw new Error(`kernel not ready: ${JSON.stringify(k)}: ${e}`);
    });
  const r = await page.evaluate(async () => {
    const sc = window.lab.panel.sessionContext;
    const k = sc.session!.kernel!;
    // The kernel's info comes from the kernel_info request JupyterLab sends
    // when it connects. Once in CI (docker-test, 2026-11-29) that promise
    // never settled although the kernel was idle and answered kernel_info
    // at once when asked directly: ask again after 15 s rather than wait
    // forever, and say so.
    const first = await Promise.race([k.info, new Promise<null>(res => setTimeout(() => res(null), 15_000))]);
    if (first) return { name: k.name, language: first.language_info.name, display: sc.kernelDisplayName, asked: false };
    const reply = await k.requestKernelInfo();
    const content = reply!.content as { language_info: { name: string } };
    return { name: k.name, language: content.language_info.name, display: sc.kernelDisplayName, asked: true };
  });
  if (r.asked) console.log('note: JupyterLab had no kernel_info reply 15 s after connecting; asked again and got it');
  return { name: r.name, language: r.language, display: r.display };
}

export const cellAt = (page: Page, i: number): Locator => page.locator('.jp-Notebook .jp-Cell').nth(i);

/** The number of cells in the notebook. */
export const cellCount = (page: Page): Promise<number> => page.evaluate(() => window.lab.panel.content.widgets.length);

/** Cell i's type and source. */
export function cellInfo(page: Page, i: number): Promise<{ type: string; source: string; count: number | null }> {
  return page.evaluate(i => {
    const m = window.lab.panel.content.widgets[i].model;
    const count = m.type === 'code' ? (m as any).executionCount : null;
    return { type: m.type, source: m.sharedModel.getSource(), count };
  }, i);
}

/** Cell i's outputs, from the model. */
export function outputs(page: Page, i: number): Promise<Output[]> {
  return page.evaluate(i => {
    const m = window.lab.panel.content.widgets[i].model as any;
    if (m.type !== 'code') return [];
    const res: Output[] = [];
    for (let k = 0; k < m.outputs.length; k++) {
      const o = m.outputs.get(k).toJSON();
      const data = (o.data ?? {}) as Record<string, unknown>;
      const str = (v: unknown) => (Array.isArray(v) ? v.join('') : typeof v === 'string' ? v : undefined);
      let text = '';
      if (o.output_type === 'stream') text = str(o.text) ?? '';
      else if (o.output_type === 'error') text = `${o.ename}: ${o.evalue}`;
      else text = str(data['text/plain']) ?? '';
      res.push({ type: o.output_type, name: o.name, text, html: str(data['text/html']), svg: str(data['image/svg+xml']) });
    }
    return res;
  }, i);
}

export const outputText = async (page: Page, i: number): Promise<string> =>
  (await outputs(page, i)).map(o => o.text).join('');

/** Whether cell i is queued or running. */
export const running = (page: Page, i: number): Promise<boolean> =>
  page.evaluate(i => (window.lab.panel.content.widgets[i].model as any).executionState === 'running', i);

/** Waits until cell i has run: it is idle and has an execution count. */
export async function waitDone(page: Page, i: number, timeout = LIMIT.cell): Promise<void> {
  await page.waitForFunction(
    i => {
      const m = window.lab.panel.content.widgets[i].model as any;
      return m.executionState === 'idle' && typeof m.executionCount === 'number';
    },
    i,
    { timeout, polling: 100 }
  );
}

/** Waits until some output of cell i satisfies pred (polled). */
export async function waitOutput(page: Page, i: number, what: string, pred: (o: Output[]) => boolean, timeout = LIMIT.cell): Promise<Output[]> {
  const deadline = Date.now() + timeout;
  for (;;) {
    const o = await outputs(page, i);
    if (pred(o)) return o;
    if (Date.now() > deadline) throw new Error(`cell ${i}: no ${what}; outputs ${JSON.stringify(o).slice(0, 600)}`);
    await page.waitForTimeout(50); // polling interval
  }
}

/** Clicks the toolbar button of a command. */
export async function toolbar(page: Page, command: string): Promise<void> {
  await page.locator(`.jp-NotebookPanel-toolbar [data-command="${command}"]`).click();
}

/**
 * Adds a cell at the end of the notebook the keyboard way (Escape, B, Enter)
 * and enters code: typed key by key when typed is set (CodeMirror then
 * closes brackets and indents as it does for a user, so only for one-line
 * code), else inserted as a paste is. Returns the new cell's index.
 */
export async function addCell(page: Page, code: string, typed = false): Promise<number> {
  const n = await cellCount(page);
  await cellAt(page, n - 1).locator('.jp-InputPrompt').click();
  await page.keyboard.press('Escape');
  await page.keyboard.press('b');
  await page.waitForFunction(n => window.lab.panel.content.widgets.length === n + 1 && window.lab.panel.content.activeCellIndex === n, n);
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => window.lab.panel.content.mode === 'edit');
  if (typed) await page.keyboard.type(code, { delay: 15 });
  else await page.keyboard.insertText(code);
  const src = (await cellInfo(page, n)).source;
  if (src !== code) throw new Error(`cell ${n} holds ${JSON.stringify(src)}, want ${JSON.stringify(code)}`);
  return n;
}

/** Puts the cursor at the end of cell i's editor (edit mode). */
export async function editEnd(page: Page, i: number): Promise<void> {
  await cellAt(page, i).locator('.cm-content').click();
  await page.keyboard.press('Control+End');
}

/** Empties cell i's editor (the active cell) by keyboard. */
export async function clearEditor(page: Page, i: number): Promise<void> {
  await editEnd(page, i);
  await page.keyboard.press('Control+A');
  await page.keyboard.press('Delete');
  const src = (await cellInfo(page, i)).source;
  if (src !== '') throw new Error(`cell ${i} still holds ${JSON.stringify(src)}`);
}

/** Runs cell i with Shift+Enter from its editor and waits until it has run. */
export async function runCell(page: Page, i: number, timeout = LIMIT.cell): Promise<Output[]> {
  await editEnd(page, i);
  await page.keyboard.press('Shift+Enter');
  await waitDone(page, i, timeout);
  return outputs(page, i);
}

/** Screenshot of the whole notebook: the viewport grows to show every cell. */
export async function screenshot(page: Page, file: string): Promise<void> {
  const size = page.viewportSize() ?? { width: 1280, height: 900 };
  try {
    await page.keyboard.press('Escape').catch(() => {});
    const h = await page.evaluate(() => {
      const inner = document.querySelector('.jp-NotebookPanel .jp-WindowedPanel-outer');
      const top = document.querySelector('.jp-NotebookPanel-toolbar')?.getBoundingClientRect().height ?? 40;
      return inner ? inner.scrollHeight + top + 40 : document.body.scrollHeight;
    });
    await page.setViewportSize({ width: size.width, height: Math.min(Math.max(h, size.height), 12000) });
    await page.evaluate(() => document.querySelector('.jp-NotebookPanel .jp-WindowedPanel-outer')?.scrollTo(0, 0));
    await page.waitForTimeout(300); // layout after the resize
    await page.screenshot({ path: file, timeout: 30_000 });
    console.log(`     screenshot ${file}`);
  } finally {
    await page.setViewportSize(size);
  }
}

/** Screenshot of cells a to b (inclusive), scrolled into view. */
export async function screenshotCells(page: Page, a: number, b: number, file: string): Promise<void> {
  await cellAt(page, a).scrollIntoViewIfNeeded();
  const top = await cellAt(page, a).boundingBox();
  const bottom = await cellAt(page, b).boundingBox();
  if (!top || !bottom) return;
  const y = Math.max(0, top.y - 4);
  const height = Math.min(bottom.y + bottom.height + 4 - y, (page.viewportSize()?.height ?? 900) - y);
  await page.screenshot({ path: file, clip: { x: 0, y, width: page.viewportSize()?.width ?? 1280, height } });
}
