// What a user does in a notebook besides Run All: Go highlighting, Tab
// completion, the Shift+Tab tooltip, output and panics that arrive after
// their cell ended, ray's progress display, Interrupt and Restart.
import type { Page } from 'playwright-core';
import {
  LIMIT,
  addCell,
  cellAt,
  cellCount,
  clearEditor,
  outputText,
  outputs,
  runCell,
  running,
  screenshot,
  screenshotCells,
  toolbar,
  waitDone,
  waitKernel,
  waitOutput
} from './lab';
import type { Checker } from './main';

export async function interactive(page: Page, base: string, path: string, shots: string, check: Checker): Promise<void> {
  await page.goto(`${base}warren-lab/index.html?path=${encodeURIComponent(path)}#token=${encodeURIComponent(check.token)}`);
  await waitKernel(page);

  await check.step('Go syntax highlighting', () => highlighting(page, check));
  await check.step('Tab completion', async () => {
    await completion(page, 'fmt.Prin', 'Println', check);
    await completion(page, 'ray.Re', 'Remote', check);
  });
  await check.step('Shift+Tab tooltip', () => tooltip(page, 'ray.Remote', shots, check));
  const late = await cellCount(page);
  await check.step('late task output', () => lateOutput(page, check));
  await check.step('late goroutine panic', () => latePanic(page, check));
  await check.step('progress display', () => progress(page, check));
  await screenshotCells(page, late, (await cellCount(page)) - 1, `${shots}-late-progress.png`);
  await check.step('Interrupt', () => interrupt(page, check));
  await check.step('Restart', () => restart(page, check));
  await screenshot(page, `${shots}.png`);
  await page.evaluate(() => window.lab.panel.sessionContext.shutdown());
}

// The editor highlights Go: keywords and strings get the theme's colours.
async function highlighting(page: Page, check: Checker): Promise<void> {
  const i = await addCell(page, 'import "fmt"\n\nfunc greet() string { return "hi" }\nfmt.Println(greet())');
  const mime = await page.evaluate(i => window.lab.panel.content.widgets[i].model.mimeType, i);
  check.ok(mime === 'text/x-go', `cells are edited as ${mime} (want text/x-go, from the kernel's language_info)`);
  const colours = await cellAt(page, i).locator('.cm-content').evaluate(el => {
    const colourOf = (v: string) => {
      const probe = document.createElement('span');
      probe.style.color = `var(${v})`;
      el.appendChild(probe);
      const c = getComputedStyle(probe).color;
      probe.remove();
      return c;
    };
    const spans = Array.from(el.querySelectorAll('span'));
    const colour = (text: string) => {
      const s = spans.find(s => s.textContent === text);
      return s ? getComputedStyle(s).color : null;
    };
    return {
      func: colour('func'),
      ret: colour('return'),
      str: colour('"hi"'),
      keyword: colourOf('--jp-mirror-editor-keyword-color'),
      string: colourOf('--jp-mirror-editor-string-color'),
      plain: getComputedStyle(el).color
    };
  });
  check.ok(colours.func === colours.keyword && colours.ret === colours.keyword && colours.keyword !== colours.plain,
    `"func" and "return" have the keyword colour (${JSON.stringify(colours)})`);
  check.ok(colours.str === colours.string && colours.string !== colours.plain, `"hi" has the string colour`);
  const out = await runCell(page, i);
  check.ok(out.map(o => o.text).join('') === 'hi\n', `the cell runs: ${JSON.stringify(out)}`);
}

// Typing code then Tab shows the kernel's completions (or inserts the only one).
async function completion(page: Page, code: string, want: string, check: Checker): Promise<void> {
  const i = await addCell(page, code, true);
  await page.keyboard.press('Tab');
  let items: string[] = [];
  const list = page.locator('.jp-Completer');
  await Promise.race([
    list.waitFor({ state: 'visible', timeout: LIMIT.cell }).then(async () => {
      items = await list.locator('.jp-Completer-item .jp-Completer-match').allInnerTexts();
    }),
    page.waitForFunction(([i, code]) => window.lab.panel.content.widgets[i as number].model.sharedModel.getSource() !== code, [i, code], { timeout: LIMIT.cell })
  ]);
  const src = await page.evaluate(i => window.lab.panel.content.widgets[i].model.sharedModel.getSource(), i);
  check.ok(items.includes(want) || src.endsWith(want), `Tab after ${JSON.stringify(code)} offers ${want} (list ${JSON.stringify(items.slice(0, 8))}, cell ${JSON.stringify(src)})`);
  if (items.length) {
    // Enter inserts the selected item, as in JupyterLab.
    while ((await list.locator('.jp-mod-active .jp-Completer-match').innerText()) !== want) await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Enter');
    const after = await page.evaluate(i => window.lab.panel.content.widgets[i].model.sharedModel.getSource(), i);
    check.ok(after.endsWith(want), `Enter on ${want} puts it in the cell (${JSON.stringify(after)})`);
  }
  await clearEditor(page, i);
  await page.keyboard.press('Escape');
}

// Shift+Tab after a name shows the kernel's documentation of it.
async function tooltip(page: Page, code: string, shots: string, check: Checker): Promise<void> {
  const i = await addCell(page, code, true);
  await page.keyboard.press('Shift+Tab');
  const tip = page.locator('.jp-Tooltip');
  await tip.waitFor({ state: 'visible', timeout: LIMIT.cell });
  const text = (await tip.innerText()).trim();
  check.ok(/func Remote\(/.test(text) && /task/i.test(text), `Shift+Tab on ${code} shows its documentation (${JSON.stringify(text.slice(0, 160))})`);
  await page.screenshot({ path: `${shots}-tooltip.png` });
  await page.keyboard.press('Escape');
  await clearEditor(page, i);
  await page.keyboard.press('Escape');
}

// Runs cell a, then b at once (b is queued behind a): a user's Shift+Enter twice.
async function runPair(page: Page, a: number): Promise<void> {
  await cellAt(page, a).locator('.cm-content').click();
  await page.keyboard.press('Shift+Enter');
  await page.keyboard.press('Shift+Enter');
}

// A task prints after its cell ended, while the next cell runs: the output
// appears under the cell that submitted the task, not under the running one.
async function lateOutput(page: Page, check: Checker): Promise<void> {
  const a = await addCell(page,
    'import (\n\t"fmt"\n\t"time"\n)\n\nlate := ray.Remote(func() int {\n\ttime.Sleep(1500 * time.Millisecond)\n\tfmt.Println("late line from the task")\n\treturn 1\n})\nlateRef := late.Remote()\nfmt.Println("cell A ended")');
  const b = await addCell(page, 'time.Sleep(4 * time.Second)\nfmt.Println("cell B ended", ray.Get(lateRef))');
  await runPair(page, a);
  await waitDone(page, a);
  const atEnd = await outputText(page, a);
  const bRunning = await running(page, b);
  check.ok(atEnd === 'cell A ended\n' && bRunning, `cell A ended with only its own line (${JSON.stringify(atEnd)}) while cell B runs (${bRunning})`);
  await waitOutput(page, a, 'late line', o => o.some(x => x.text.includes('late line from the task')));
  check.ok(await running(page, b), 'the late line arrived under cell A while cell B was still running');
  await waitDone(page, b);
  check.ok((await outputText(page, a)) === 'cell A ended\nlate line from the task\n', `cell A shows both lines: ${JSON.stringify(await outputText(page, a))}`);
  check.ok((await outputText(page, b)) === 'cell B ended 1\n', `cell B shows only its own: ${JSON.stringify(await outputText(page, b))}`);
  const shown = await cellAt(page, a).locator('.jp-OutputArea-output').allInnerTexts();
  check.ok(shown.join('').includes('late line from the task'), `the late line is drawn under cell A (${JSON.stringify(shown)})`);
}

// A goroutine panics after its cell ended: the panic is shown under that
// cell, styled as an error, and the kernel goes on.
async function latePanic(page: Page, check: Checker): Promise<void> {
  const a = await addCell(page, 'go func() {\n\ttime.Sleep(1 * time.Second)\n\tpanic("late boom")\n}()\nfmt.Println("cell C ended")');
  const b = await addCell(page, 'time.Sleep(3 * time.Second)\nfmt.Println("cell D ended")');
  await runPair(page, a);
  await waitDone(page, a);
  check.ok((await outputText(page, a)) === 'cell C ended\n', `cell C ended without an error (${JSON.stringify(await outputs(page, a))})`);
  const out = await waitOutput(page, a, 'the late panic', o => o.some(x => x.text.includes('late boom')));
  const p = out.find(x => x.text.includes('late boom'))!;
  check.ok(p.type === 'error' || p.name === 'stderr', `the panic is an error or stderr output of cell C: ${JSON.stringify(p).slice(0, 300)}`);
  await waitDone(page, b);
  const bOut = await outputs(page, b);
  check.ok(bOut.map(o => o.text).join('') === 'cell D ended\n', `cell D runs on and shows only its own output: ${JSON.stringify(bOut)}`);
  const node = cellAt(page, a).locator('.jp-OutputArea-output').filter({ hasText: 'late boom' });
  const style = await node.evaluate(el => {
    const probe = document.createElement('div');
    probe.style.background = 'var(--jp-rendermime-error-background)';
    document.body.appendChild(probe);
    const want = getComputedStyle(probe).backgroundColor;
    probe.remove();
    return { mime: el.getAttribute('data-mime-type'), background: getComputedStyle(el).backgroundColor, want };
  });
  check.ok(style.mime === 'application/vnd.jupyter.stderr' && style.background === style.want && style.want !== 'rgba(0, 0, 0, 0)',
    `the panic is drawn error-styled under cell C (${JSON.stringify(style)})`);
}

// A long ray.GetAll shows one progress display that updates in place.
async function progress(page: Page, check: Checker): Promise<void> {
  const i = await addCell(page,
    'ray.Init(ray.NumCPUs(4))\nstep := ray.Remote(func(i int) int {\n\ttime.Sleep(time.Duration(i) * 700 * time.Millisecond)\n\treturn i\n})\nray.GetAll(step.Remote(1), step.Remote(2), step.Remote(3), step.Remote(4))');
  await cellAt(page, i).locator('.cm-content').click();
  await page.keyboard.press('Shift+Enter');
  const seen = new Set<string>();
  let most = 0;
  for (;;) {
    const o = await outputs(page, i);
    const bars = o.filter(x => x.type === 'display_data' && x.html?.includes('<progress'));
    most = Math.max(most, bars.length);
    for (const b of bars) seen.add(b.text);
    if (!(await running(page, i))) break;
    await page.waitForTimeout(50); // polling interval
  }
  await waitDone(page, i);
  const o = await outputs(page, i);
  const bars = o.filter(x => x.type === 'display_data' && x.html?.includes('<progress'));
  check.ok(most === 1 && bars.length === 1, `one progress display, never more (${most} at most; outputs ${JSON.stringify(o.map(x => x.text))})`);
  check.ok(seen.size >= 2, `it was updated in place: ${seen.size} texts seen ${JSON.stringify([...seen])}`);
  check.ok(bars.length === 1 && /4\/4 done/.test(bars[0].text), `it ends at 4/4 done (${JSON.stringify(bars[0]?.text)})`);
  check.ok(o.some(x => x.type === 'execute_result' && x.text === '[1 2 3 4]'), 'the cell shows [1 2 3 4]');
  const drawn = await cellAt(page, i).locator('progress').count();
  check.ok(drawn === 1, `one <progress> bar drawn under the cell (${drawn})`);
}

// The toolbar's Interrupt stops `for {}`; the next cell runs.
async function interrupt(page: Page, check: Checker): Promise<void> {
  const i = await addCell(page, 'fmt.Println("spinning")\nfor {\n}');
  const j = await addCell(page, 'fmt.Println("after the interrupt")');
  await runPair(page, i);
  await waitOutput(page, i, '"spinning"', o => o.some(x => x.text.includes('spinning')));
  await toolbar(page, 'notebook:interrupt-kernel');
  const o = await waitOutput(page, i, 'KeyboardInterrupt', o => o.some(x => x.type === 'error' && x.text.includes('KeyboardInterrupt')), LIMIT.interrupt);
  check.ok(true, `Interrupt stops for {}: ${JSON.stringify(o.find(x => x.type === 'error')?.text)}`);
  await waitDone(page, i, LIMIT.interrupt);
  // JupyterLab stops a run at an error: the queued cell was aborted; run it again.
  await waitDone(page, j).catch(() => undefined);
  const out = await runCell(page, j);
  check.ok(out.map(x => x.text).join('') === 'after the interrupt\n', `the next cell runs: ${JSON.stringify(out)}`);
}

// The toolbar's Restart (after its dialog) gives a fresh kernel that runs cells.
async function restart(page: Page, check: Checker): Promise<void> {
  const before = await page.evaluate(() => window.lab.panel.sessionContext.session?.kernel?.id);
  await toolbar(page, 'notebook:restart-kernel');
  const accept = page.locator('.jp-Dialog .jp-Dialog-button.jp-mod-accept');
  await accept.waitFor({ state: 'visible' });
  const label = (await accept.innerText()).trim();
  await accept.click();
  await page.waitForFunction(() => {
    const k = window.lab.panel.sessionContext.session?.kernel;
    return !!k && k.connectionStatus === 'connected' && k.status === 'idle';
  }, null, { timeout: LIMIT.kernel, polling: 100 });
  const i = await addCell(page, 'lateRef');
  const out = await runCell(page, i);
  check.ok(out.some(x => x.type === 'error' && /lateRef/.test(x.text)),
    `after Restart ("${label}", kernel ${before}) the session is fresh: lateRef is gone (${JSON.stringify(out)})`);
  const j = await addCell(page, 'import "fmt"\n\nfmt.Println("after the restart")\n6 * 7');
  const out2 = await runCell(page, j);
  check.ok(out2.map(x => x.text).join("|") === 'after the restart\n|42', `a cell runs after Restart: ${JSON.stringify(out2)}`);
}
