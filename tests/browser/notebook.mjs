// Drives classic Jupyter Notebook 6 in headless Chromium against the warren
// kernel. Started by tests/browser/run.sh, which provides the server:
//   NB_URL, NB_TOKEN  the notebook server
//   NB_EXERCISE       path of the solved exercise 1 under the server's root
//                     (default exercise_1.ipynb; tests/docker/run.sh points
//                     this test at the workshop container too)
//   CHROMIUM          browser binary; PROFILE_DIR a fresh --user-data-dir
//   OUT_DIR           screenshots and logs
//
// Synchronisation is on the page's state only (selectors, the notebook's
// JavaScript model); there are no fixed sleeps.
import { chromium } from 'playwright-core';
import fs from 'node:fs';
import path from 'node:path';

const env = process.env;
for (const k of ['NB_URL', 'NB_TOKEN', 'CHROMIUM', 'OUT_DIR', 'PROFILE_DIR']) {
  if (!env[k]) {
    console.error(`notebook.mjs: ${k} is not set (run tests/browser/run.sh)`);
    process.exit(2);
  }
}
const BASE = env.NB_URL.replace(/\/$/, '');
const TOKEN = env.NB_TOKEN;
const OUT = env.OUT_DIR;
const EXERCISE = env.NB_EXERCISE || 'exercise_1.ipynb';
fs.mkdirSync(OUT, { recursive: true });

// Generous: CI machines are slow and shared. A step that is merely slow
// passes; only a step that never happens fails.
const PAGE_LOAD = 60_000;
const KERNEL_START = 60_000;
const CELL = 60_000;
const INTERRUPT = 30_000;
const RUN_ALL = 120_000;

const consoleLog = [];
const t0 = Date.now();
const elapsed = () => ((Date.now() - t0) / 1000).toFixed(1) + 's';
let current = 'start';
async function step(name, fn) {
  current = name;
  const s = Date.now();
  const r = await fn();
  console.log(`ok   ${name} (${((Date.now() - s) / 1000).toFixed(1)}s)`);
  return r;
}

function watch(page, label) {
  page.on('console', (m) => consoleLog.push(`[${label} ${elapsed()}] ${m.type()}: ${m.text()}`));
  page.on('pageerror', (e) => consoleLog.push(`[${label} ${elapsed()}] pageerror: ${e.message}`));
  // Notebook 6 asks before leaving a page with a running kernel or unsaved
  // changes; dialogs would otherwise block the test.
  page.on('dialog', (d) => {
    consoleLog.push(`[${label} ${elapsed()}] dialog ${d.type()}: ${d.message()}`);
    d.accept().catch(() => {});
  });
  page.setDefaultTimeout(CELL);
}

// Waits until the notebook page has a connected kernel that answered
// kernel_info, and checks it is warren.
async function waitKernelReady(page) {
  await page.waitForFunction(
    () => {
      const nb = window.Jupyter && window.Jupyter.notebook;
      const k = nb && nb.kernel;
      return !!(k && k.is_connected() && k.info_reply && k.info_reply.status === 'ok');
    },
    null,
    { timeout: KERNEL_START, polling: 100 },
  );
  await page.locator('#kernel_indicator_icon.kernel_idle_icon').waitFor({ timeout: KERNEL_START });
  const info = await page.evaluate(() => {
    const k = window.Jupyter.notebook.kernel;
    return { name: k.name, lang: k.info_reply.language_info && k.info_reply.language_info.name };
  });
  if (info.name !== 'warren' || info.lang !== 'go') {
    throw new Error(`kernel is ${JSON.stringify(info)}, want warren/go`);
  }
  const shown = (await page.locator('.kernel_indicator_name').innerText()).trim();
  if (shown !== 'Go (warren)') throw new Error(`kernel indicator shows ${JSON.stringify(shown)}`);
}

const cellAt = (page, i) => page.locator('#notebook-container > .cell').nth(i);

// Puts code into cell i the way a user does: click into the editor, select
// all, then type (keyboard: true, real key presses) or paste-like insert.
// CodeMirror auto-closes brackets and auto-indents on key presses, which
// would mangle multi-line code typed key by key, so those are inserted.
async function enterCode(page, i, code, { keyboard = false } = {}) {
  const cell = cellAt(page, i);
  await cell.waitFor();
  await cell.locator('.CodeMirror').click();
  await page.waitForFunction((i) => {
    const nb = window.Jupyter.notebook;
    return nb.get_selected_index() === i && nb.mode === 'edit';
  }, i);
  await page.keyboard.press('Control+A');
  await page.keyboard.press('Delete');
  if (keyboard) await page.keyboard.type(code, { delay: 10 });
  else await page.keyboard.insertText(code);
  const text = await page.evaluate((i) => window.Jupyter.notebook.get_cell(i).get_text(), i);
  if (text !== code) {
    throw new Error(`cell ${i} holds ${JSON.stringify(text)}, want ${JSON.stringify(code)}`);
  }
}

// Shift+Enter in the cell being edited; runs it and, in the last cell,
// adds a new cell below.
async function runWithShiftEnter(page, i) {
  await page.keyboard.press('Shift+Enter');
  // Execution started: the prompt shows '*' (or already the count).
  await page.waitForFunction((i) => window.Jupyter.notebook.get_cell(i).input_prompt_number !== null, i);
}

// Waits until cell i finished executing (its prompt shows a number).
async function waitDone(page, i, timeout = CELL) {
  await page.waitForFunction(
    (i) => {
      const n = window.Jupyter.notebook.get_cell(i).input_prompt_number;
      return typeof n === 'number';
    },
    i,
    { timeout, polling: 100 },
  );
}

async function outputText(page, i) {
  return (await cellAt(page, i).locator('.output_area').allInnerTexts()).join('\n');
}

// Waits for an output of cell i matching selector and re. Fails at once,
// rather than at the timeout, when the cell finished with an unexpected
// error output.
async function expectOutput(page, i, selector, re, timeout = CELL) {
  const c = cellAt(page, i);
  const loc = c.locator(selector).filter({ hasText: re });
  const deadline = Date.now() + timeout;
  for (;;) {
    if ((await loc.count()) > 0) return;
    const done = await page.evaluate((i) => typeof window.Jupyter.notebook.get_cell(i).input_prompt_number === 'number', i);
    const unexpectedError = selector !== '.output_error' && done && (await c.locator('.output_error').count()) > 0;
    if (unexpectedError || Date.now() > deadline) {
      throw new Error(`cell ${i}: no ${selector} matching ${re}; output is ${JSON.stringify(await outputText(page, i))}`);
    }
    await page.waitForTimeout(100); // polling interval, not synchronisation
  }
}

async function noErrors(page, i) {
  const n = await cellAt(page, i).locator('.output_error').count();
  if (n > 0) throw new Error(`cell ${i} has an error output: ${JSON.stringify(await outputText(page, i))}`);
}

// Runs one cell: enter the code, Shift+Enter, wait for the result.
async function cell(page, i, code, opts = {}) {
  await enterCode(page, i, code, opts);
  await runWithShiftEnter(page, i);
  await waitDone(page, i);
}

// Screenshot of the whole notebook. Notebook 6 scrolls inside #site, not
// the page, so the viewport is made tall enough to show all of it first.
async function shot(page, name) {
  if (!page || page.isClosed()) return;
  const file = path.join(OUT, name);
  const size = page.viewportSize();
  try {
    const h = await page.evaluate(() => {
      const site = document.getElementById('site');
      return site ? Math.ceil(site.getBoundingClientRect().top + site.scrollHeight + 16) : document.body.scrollHeight;
    });
    if (size && h > size.height) {
      await page.setViewportSize({ width: size.width, height: Math.min(h, 12000) });
      await page.waitForFunction(() => {
        const site = document.getElementById('site');
        return !site || site.scrollHeight <= site.clientHeight + 1;
      }, null, { timeout: 5_000 }).catch(() => {});
    }
    await page.screenshot({ path: file, fullPage: true, timeout: 30_000 });
    console.log(`screenshot: ${file}`);
  } catch (e) {
    console.error(`screenshot ${file} failed: ${e.message}`);
  } finally {
    if (size) await page.setViewportSize(size).catch(() => {});
  }
}

let browser; // the persistent context; closing it quits Chromium
let pages = {};
let failed = false;
try {
  // A persistent context on a fresh, empty profile directory: the
  // equivalent of --user-data-dir=<temp dir>, which playwright manages.
  const context = await step('launch chromium', () =>
    chromium.launchPersistentContext(env.PROFILE_DIR, {
      executablePath: env.CHROMIUM,
      headless: true,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
      viewport: { width: 1280, height: 900 },
      timeout: 60_000,
    }),
  );
  browser = context;
  context.setDefaultNavigationTimeout(PAGE_LOAD);

  // --- The dashboard lists the kernel; New → Go (warren) opens a notebook.
  // A persistent context opens with one blank page; use it.
  const tree = context.pages()[0] || (await context.newPage());
  pages.tree = tree;
  watch(tree, 'tree');
  await step('dashboard lists Go (warren)', async () => {
    await tree.goto(`${BASE}/tree?token=${TOKEN}`);
    await tree.locator('#notebook_list').waitFor();
    await tree.locator('#new-dropdown-button').click();
    await tree.locator('#kernel-warren a').waitFor({ state: 'visible' });
    const label = (await tree.locator('#kernel-warren a').innerText()).trim();
    if (label !== 'Go (warren)') throw new Error(`New menu shows ${JSON.stringify(label)}`);
    // The exercise (or its folder) is listed in the server's root.
    await tree.locator('#notebook_list a.item_link', { hasText: EXERCISE.split('/')[0] }).first().waitFor();
  });

  const page = await step('new Go (warren) notebook', async () => {
    const [p] = await Promise.all([
      context.waitForEvent('page', { timeout: PAGE_LOAD }),
      tree.locator('#kernel-warren a').click(),
    ]);
    pages.scratch = p;
    watch(p, 'scratch');
    await p.waitForURL(/\/notebooks\/Untitled.*\.ipynb/, { timeout: PAGE_LOAD });
    await waitKernelReady(p);
    return p;
  });
  await tree.close();
  delete pages.tree;

  let i = 0;
  await step('fmt.Println("hello") prints hello (typed)', async () => {
    // Cells import what they use, as in Go; only ray is predeclared.
    await cell(page, i, 'import "fmt"\nfmt.Println("hello")', { keyboard: true });
    await expectOutput(page, i, '.output_stdout', /^\s*hello\s*$/);
    await noErrors(page, i);
    i++;
  });

  await step('1+2 gives Out 3 (typed)', async () => {
    await cell(page, i, '1+2', { keyboard: true });
    await expectOutput(page, i, '.output_result', /^\s*3\s*$/);
    const prompt = (await cellAt(page, i).locator('.output_prompt').first().innerText()).trim();
    if (!/^Out\[\d+\]:$/.test(prompt)) throw new Error(`output prompt is ${JSON.stringify(prompt)}`);
    i++;
  });

  await step('display.HTML renders the element', async () => {
    await cell(page, i, 'import "display"\n\ndisplay.HTML("<b id=\'x\'>bold</b>")');
    const b = cellAt(page, i).locator('.output_html b#x');
    await b.waitFor({ state: 'visible' });
    const t = await b.innerText();
    if (t !== 'bold') throw new Error(`b#x says ${JSON.stringify(t)}`);
    await noErrors(page, i);
    i++;
  });

  await step('ray remote function gives [2 4]', async () => {
    await cell(page, i, 'f := ray.Remote(func(i int) int { return i*2 })\nray.GetAll(f.Remote(1), f.Remote(2))');
    await expectOutput(page, i, '.output_result', /^\s*\[2 4\]\s*$/);
    await noErrors(page, i);
    i++;
  });

  await step('Kernel → Interrupt stops for {}', async () => {
    await enterCode(page, i, 'fmt.Println("spinning")\nfor {\n}');
    await runWithShiftEnter(page, i);
    // The loop is running once its first line has printed.
    await expectOutput(page, i, '.output_stdout', /spinning/);
    await page.locator('#kernel_indicator_icon.kernel_busy_icon').waitFor();
    await page.locator('#kernellink').click();
    await page.locator('#int_kernel > a').waitFor({ state: 'visible' });
    await page.locator('#int_kernel > a').click();
    await expectOutput(page, i, '.output_error', /KeyboardInterrupt/, INTERRUPT);
    await waitDone(page, i, INTERRUPT);
    await page.locator('#kernel_indicator_icon.kernel_idle_icon').waitFor({ timeout: INTERRUPT });
    i++;
  });

  await step('kernel usable after the interrupt (state kept)', async () => {
    await cell(page, i, 'fmt.Println("still alive")\nray.Get(f.Remote(21))');
    await expectOutput(page, i, '.output_stdout', /still alive/);
    await expectOutput(page, i, '.output_result', /^\s*42\s*$/);
    await noErrors(page, i);
    i++;
  });
  // Output that arrives after its cell ended (issue 9 §2): a task printing
  // while the next cell runs, and a goroutine panicking then, show under the
  // cell that started them; the panic styled as an error.
  await step('late task output appears under its own cell', async () => {
    const a = i;
    await enterCode(page, a, 'import "time"\n\nlate := ray.Remote(func() int {\n\ttime.Sleep(3 * time.Second)\n\tfmt.Println("late line from the task")\n\treturn 1\n})\nlateRef := late.Remote()\nfmt.Println("cell A ended")');
    await runWithShiftEnter(page, a);
    await waitDone(page, a);
    await enterCode(page, a + 1, 'time.Sleep(6 * time.Second)\nfmt.Println("cell B ended", ray.Get(lateRef))');
    await runWithShiftEnter(page, a + 1);
    const atEnd = await outputText(page, a);
    if (atEnd.includes('late line')) throw new Error(`cell A has the late line before cell B started: ${JSON.stringify(atEnd)}`);
    await expectOutput(page, a, '.output_stdout', /late line from the task/);
    const bState = await page.evaluate((j) => window.Jupyter.notebook.get_cell(j).input_prompt_number, a + 1);
    if (bState !== '*') throw new Error(`the late line arrived after cell B ended (B's prompt ${JSON.stringify(bState)})`);
    await waitDone(page, a + 1);
    const aText = (await outputText(page, a)).trim();
    const bText = (await outputText(page, a + 1)).trim();
    if (!/^cell A ended\s+late line from the task$/.test(aText)) throw new Error(`cell A shows ${JSON.stringify(aText)}`);
    if (bText !== 'cell B ended 1') throw new Error(`cell B shows ${JSON.stringify(bText)}`);
    i += 2;
  });

  await step('late goroutine panic appears under its own cell, error-styled', async () => {
    const a = i;
    await enterCode(page, a, 'go func() {\n\ttime.Sleep(2 * time.Second)\n\tpanic("late boom")\n}()\nfmt.Println("cell C ended")');
    await runWithShiftEnter(page, a);
    await waitDone(page, a);
    await noErrors(page, a);
    await enterCode(page, a + 1, 'time.Sleep(5 * time.Second)\nfmt.Println("cell D ended")');
    await runWithShiftEnter(page, a + 1);
    await expectOutput(page, a, '.output_stderr, .output_error', /late boom/);
    await waitDone(page, a + 1);
    const dText = (await outputText(page, a + 1)).trim();
    if (dText !== 'cell D ended') throw new Error(`cell D shows ${JSON.stringify(dText)}`);
    const style = await cellAt(page, a).locator('.output_stderr, .output_error').filter({ hasText: /late boom/ }).first()
      .evaluate((el) => {
        // Notebook 6 gives stderr and errors a red background.
        const area = el.closest('.output_area') ?? el;
        const bg = [el, ...el.querySelectorAll('*'), area].map((n) => getComputedStyle(n).backgroundColor)
          .find((c) => c !== 'rgba(0, 0, 0, 0)' && c !== 'transparent');
        return { cls: el.className, bg };
      });
    if (!style.bg || !/^rgb\(255, 221, 221\)$/.test(style.bg)) {
      throw new Error(`the panic is not error-styled: ${JSON.stringify(style)}`);
    }
    console.log(`     late panic shown as ${style.cls} on ${style.bg}`);
    i += 2;
  });
  await shot(page, 'scratch.png');

  // --- The solved exercise 1, Cell → Run All.
  const ex = await step('open exercise_1.ipynb', async () => {
    const p = await context.newPage();
    pages.exercise = p;
    watch(p, 'exercise_1');
    await p.goto(`${BASE}/notebooks/${EXERCISE.split('/').map(encodeURIComponent).join('/')}?token=${TOKEN}`);
    await waitKernelReady(p);
    return p;
  });

  const codeCells = await ex.evaluate(() =>
    window.Jupyter.notebook.get_cells().flatMap((c, i) => (c.cell_type === 'code' ? [i] : [])),
  );
  const src = (j) => ex.evaluate((j) => window.Jupyter.notebook.get_cell(j).get_text(), j);
  let verify = -1;
  let timeline = -1;
  for (const j of codeCells) {
    const s = await src(j);
    if (s.includes('Success!')) verify = j;
    if (s.includes('ray.Timeline(')) timeline = j;
  }
  if (verify < 0 || timeline < 0) throw new Error(`exercise_1: verify cell ${verify}, timeline cell ${timeline}`);

  const runAll = async () => {
    await ex.locator('#celllink').click();
    await ex.locator('#run_all_cells > a').waitFor({ state: 'visible' });
    await ex.locator('#run_all_cells > a').click();
    for (const j of codeCells) await waitDone(ex, j, RUN_ALL);
  };
  await step('exercise_1: Cell → Run All', async () => {
    await runAll();
    // The verify cell checks 1.0 s < duration < 1.1 s of four parallel 1 s
    // sleeps. On a busy machine the tasks can wake up late; the notebook
    // then says that the calls ran in parallel but the machine was too busy,
    // and tells the attendee to run the cells again. The test does what the
    // notebook says, once, and says so; any other failure fails at once.
    const v = await outputText(ex, verify);
    if (/too busy to wake the tasks up on time/.test(v)) {
      console.log(`note: the machine was too busy for exercise 1's timing window; as the notebook says, running again: ${v.trim()}`);
      await runAll();
    }
  });

  await step('exercise_1: verify cell printed success', async () => {
    await expectOutput(ex, verify, '.output_stdout', /Success! The example took 1\.\d+ seconds\./);
    await noErrors(ex, verify);
    for (const j of codeCells) await noErrors(ex, j);
  });

  await step('exercise_1: timeline chart rendered inline', async () => {
    const svg = cellAt(ex, timeline).locator('.output_svg svg, .output_html svg').first();
    await svg.waitFor({ state: 'visible' });
    const box = await svg.boundingBox();
    if (!box || box.width < 100 || box.height < 50) throw new Error(`timeline svg box ${JSON.stringify(box)}`);
    const text = await svg.textContent();
    if (!/ray timeline: 4 task executions/.test(text)) {
      throw new Error(`timeline svg text: ${JSON.stringify(text.slice(0, 200))}`);
    }
    await svg.scrollIntoViewIfNeeded();
    // Every label, the axis's last included, lies inside the chart and the
    // chart inside its output area, at this width and at a laptop's.
    const size = ex.viewportSize();
    for (const width of [size.width, 760]) {
      await ex.setViewportSize({ width, height: size.height });
      const fit = await svg.evaluate((el) => {
        const box = el.getBoundingClientRect();
        const area = el.closest('.output_subarea').getBoundingClientRect();
        const texts = [...el.querySelectorAll('text')].map((t) => ({ s: t.textContent, r: t.getBoundingClientRect() }));
        const out = texts.filter(({ r }) => r.left < box.left - 0.5 || r.right > box.right + 0.5 || r.right > area.right + 0.5);
        return { width: box.width, axis: texts.slice(-6).map((t) => t.s).join(' '), outside: out.map((t) => `${t.s} at ${(t.r.right - box.left).toFixed(0)}`) };
      });
      if (fit.outside.length) throw new Error(`at ${width} px the timeline (${fit.width.toFixed(0)} px wide) cuts ${fit.outside.join(', ')}`);
      console.log(`     timeline at a ${width} px page: ${fit.width.toFixed(0)} px wide, axis ${fit.axis}`);
      await svg.screenshot({ path: path.join(OUT, `timeline-${width}.png`) });
    }
    await ex.setViewportSize(size);
  });
  await shot(ex, 'final.png');
  console.log(`browser test passed in ${elapsed()}`);
} catch (e) {
  failed = true;
  console.error(`FAIL (${current}, at ${elapsed()}): ${e.stack || e}`);
  for (const [name, p] of Object.entries(pages)) await shot(p, `failure-${name}.png`);
} finally {
  fs.writeFileSync(path.join(OUT, 'console.log'), consoleLog.join('\n') + '\n');
  if (failed) console.error(`browser console: ${path.join(OUT, 'console.log')}`);
  if (browser) await browser.close().catch(() => {});
}
process.exit(failed ? 1 : 0);
