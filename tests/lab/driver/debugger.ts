// JupyterLab's visual debugger, used as a user does: the bug button in the
// notebook's toolbar turns it on, a click in a cell's breakpoint gutter sets
// a breakpoint, the cell runs and stops there, the Variables panel lists the
// frame's locals, the Call Stack panel's Next button steps and Continue
// comes round the loop to the breakpoint again until the cell finishes with
// its output; a second gutter click removes the breakpoint and the cell
// then runs through. The scenario is the kernel's: kernel name, cell
// source, lines and the variables expected at each stop are parameters
// (debugScenarios).
//
// Each check reads what the page shows (the sidebar's panels, the editor's
// gutter and highlighted line, the cell's output), and the debugger model
// behind it when the panel's text alone would not say why a check failed.
import type { Page } from 'playwright-core';
import fs from 'node:fs';
import { LIMIT, cellAt, editEnd, outputText, running, waitKernel } from './lab';
import type { Checker } from './main';

/** A variable as the Variables panel shows it: its name and the detail beside it. */
export interface Shown {
  name: string;
  detail: string;
}

/** One place the cell stops at, and the variables the Variables panel lists there. */
export interface Stop {
  line: number;
  /** Listed in the frame's first scope (Locals), which the panel shows. */
  vars: Shown[];
  /** Listed once the panel's scope selector is set to Globals, if given. */
  globals?: Shown[];
}

/** A debugger scenario for one kernel. */
export interface DebugScenario {
  /** Name used in LAB_DEBUG, step names and screenshot files. */
  name: string;
  /** The kernelspec that runs the notebook. */
  kernel: string;
  /** The notebook's language_info name. */
  language: string;
  /** The one cell's source. */
  source: string;
  /** The line (1-based) whose gutter is clicked. */
  breakpoint: number;
  /** Where the cell stops first (at the breakpoint). */
  first: Stop;
  /** A part of the stopped thread's name in the kernel's threads reply (the Call Stack panel shows no thread names). */
  thread: string;
  /** Where Next takes it. */
  next: Stop;
  /** Where each Continue takes it (the breakpoint again, on the loop's next rounds); one more Continue ends the cell. */
  again: Stop[];
  /** The cell's output text once the breakpoint is removed and it continues. */
  output: string;
}

/** The scenarios of this test (by name in LAB_DEBUG): ipykernel, the reference implementation, and warren. */
export const debugScenarios: DebugScenario[] = [
  {
    name: 'python3',
    kernel: 'python3',
    language: 'python',
    source: 'total = 0\nfor i in range(3):\n    sq = (i + 1) * 10\n    total += sq\ntotal',
    breakpoint: 3,
    thread: 'MainThread',
    first: { line: 3, vars: [{ name: 'i', detail: '0' }, { name: 'total', detail: '0' }] },
    next: { line: 4, vars: [{ name: 'sq', detail: '10' }] },
    again: [
      { line: 3, vars: [{ name: 'i', detail: '1' }, { name: 'total', detail: '10' }], globals: [{ name: 'total', detail: '10' }] },
      { line: 3, vars: [{ name: 'i', detail: '2' }, { name: 'total', detail: '30' }] }
    ],
    output: '60'
  },
  {
    // A cell's top-level variables are package-level in Go terms (later
    // cells see them): total is in Globals; the loop's i and sq are locals.
    name: 'warren',
    kernel: 'warren',
    language: 'go',
    source: 'total := 0\nfor i := 0; i < 3; i++ {\n\tsq := (i + 1) * 10\n\ttotal += sq\n}\ntotal',
    breakpoint: 3,
    thread: '(cell)',
    first: { line: 3, vars: [{ name: 'i', detail: '0' }], globals: [{ name: 'total', detail: '0' }] },
    next: { line: 4, vars: [{ name: 'sq', detail: '10' }] },
    again: [
      { line: 3, vars: [{ name: 'i', detail: '1' }], globals: [{ name: 'total', detail: '10' }] },
      { line: 3, vars: [{ name: 'i', detail: '2' }], globals: [{ name: 'total', detail: '30' }] }
    ],
    output: '60'
  },
  {
    // A breakpoint in a ray task's body: the task runs on a goroutine of
    // ray's scheduler, not on the cell's, and stops there all the same.
    name: 'warren-ray',
    kernel: 'warren',
    language: 'go',
    source:
      'tenfold := ray.Remote(func(i int) int {\n\tr := (i + 1) * 10\n\treturn r\n})\n' +
      'total := 0\nfor i := 0; i < 3; i++ {\n\ttotal += ray.Get(tenfold.Remote(i)).(int)\n}\ntotal',
    breakpoint: 2,
    thread: '(ray task)',
    first: { line: 2, vars: [{ name: 'i', detail: '0' }] },
    next: { line: 3, vars: [{ name: 'i', detail: '0' }, { name: 'r', detail: '10' }] },
    again: [
      { line: 2, vars: [{ name: 'i', detail: '1' }] },
      { line: 2, vars: [{ name: 'i', detail: '2' }] }
    ],
    output: '60'
  }
];

/** Writes a notebook with one code cell on the server (contents API). */
export async function putNotebook(base: string, token: string, path: string, s: DebugScenario): Promise<void> {
  const nb = {
    type: 'notebook',
    content: {
      nbformat: 4,
      nbformat_minor: 5,
      metadata: {
        kernelspec: { name: s.kernel, display_name: s.kernel, language: s.language },
        language_info: { name: s.language }
      },
      cells: [{ cell_type: 'code', id: 'debug-cell', metadata: {}, source: s.source, outputs: [], execution_count: null }]
    }
  };
  const r = await fetch(new URL(`api/contents/${path.split('/').map(encodeURIComponent).join('/')}`, base), {
    method: 'PUT',
    headers: { Authorization: `token ${token}`, 'Content-Type': 'application/json' },
    body: JSON.stringify(nb)
  });
  if (!r.ok) throw new Error(`PUT api/contents/${path}: ${r.status} ${await r.text()}`);
}

export async function deleteNotebook(base: string, token: string, path: string): Promise<void> {
  await fetch(new URL(`api/contents/${path.split('/').map(encodeURIComponent).join('/')}`, base), {
    method: 'DELETE',
    headers: { Authorization: `token ${token}` }
  }).catch(() => undefined);
}

const SIDEBAR = '#jp-debugger-sidebar';

/** The variables the Variables panel lists (name and detail of each row). */
function shownVariables(page: Page): Promise<Shown[]> {
  return page.evaluate(sel =>
    Array.from(document.querySelectorAll(`${sel} .jp-DebuggerVariables-body .jp-TreeItem`)).map(item => ({
      name: item.querySelector(':scope > .jp-DebuggerVariables-name')?.textContent ?? '',
      detail: item.querySelector(':scope > .jp-DebuggerVariables-detail')?.textContent ?? ''
    })), SIDEBAR);
}

/** What the page shows about where the cell is stopped. */
interface Where {
  stopped: boolean;
  /** Top frame in the debugger model: its source path and line. */
  frame: { path: string; line: number } | null;
  /** The cell's id for the debugger (its dumpCell path). */
  cellPath: string;
  /** Frames listed in the Call Stack panel (name and location text). */
  frames: string[];
  /** Lines (1-based) of the cell's editor highlighted as the current line. */
  highlighted: number[];
}

function where(page: Page): Promise<Where> {
  return page.evaluate(sel => {
    const { service } = window.lab.debugger;
    const cell = window.lab.panel.content.widgets[0];
    const f = service.model.callstack.frames[0];
    const lines = Array.from(cell.node.querySelectorAll('.cm-line'));
    return {
      stopped: service.hasStoppedThreads(),
      frame: f ? { path: f.source?.path ?? '', line: f.line } : null,
      cellPath: service.getCodeId(cell.model.sharedModel.getSource()),
      frames: Array.from(document.querySelectorAll(`${sel} .jp-DebuggerCallstackFrame`)).map(e => e.textContent ?? ''),
      highlighted: lines.flatMap((l, k) => (l.classList.contains('jp-DebuggerEditor-highlight') ? [k + 1] : []))
    };
  }, SIDEBAR);
}

/** Lines (1-based) of cell 0 that show a breakpoint marker in the gutter. */
function gutterMarks(page: Page): Promise<number[]> {
  return page.evaluate(() => {
    const cell = window.lab.panel.content.widgets[0].node;
    const lines = Array.from(cell.querySelectorAll('.cm-line')).map(l => l.getBoundingClientRect());
    const marks = Array.from(cell.querySelectorAll('.cm-breakpoint-gutter .cm-gutterElement'))
      .filter(e => getComputedStyle(e).visibility !== 'hidden' && e.querySelector('.cm-breakpoint-gutter'));
    return marks.flatMap(m => {
      const r = m.getBoundingClientRect();
      const y = r.top + r.height / 2;
      const k = lines.findIndex(l => l.top <= y && y < l.bottom);
      return k >= 0 ? [k + 1] : [];
    });
  });
}

/** The breakpoints of the debugger model (path, line, verified by the kernel) and the Breakpoints panel's lines. */
function breakpoints(page: Page): Promise<{ model: { path: string; line: number; verified: boolean }[]; panel: string[] }> {
  return page.evaluate(sel => {
    const model = Array.from(window.lab.debugger.service.model.breakpoints.breakpoints.entries()).flatMap(([path, bps]) =>
      bps.map(b => ({ path, line: b.line ?? 0, verified: !!b.verified })));
    const panel = Array.from(document.querySelectorAll(`${sel} .jp-DebuggerBreakpoint-line`)).map(e => e.textContent ?? '');
    return { model, panel };
  }, SIDEBAR);
}

/**
 * Records the page's debug messages (debug_request, debug_reply,
 * debug_event: DAP command or event, seq, success, threadId, line) in
 * window.dapLog, for the log written when a check fails.
 */
async function recordDap(page: Page): Promise<void> {
  await page.evaluate(() => {
    const w = window as any;
    w.dapLog = [] as string[];
    w.dapStops = 0;
    const kernel = window.lab.panel.sessionContext.session!.kernel!;
    kernel.anyMessage.connect((_, { msg, direction }) => {
      if (!msg.header.msg_type.startsWith('debug_')) return;
      const c = msg.content as any;
      const body = c.body ?? c.arguments ?? {};
      const t = new Date().toISOString().slice(11, 23);
      if (c.event === 'stopped') w.dapStops++;
      w.dapLog.push(`${t} ${direction} ${msg.header.msg_type} ${c.command ?? c.event ?? ''} seq=${c.seq ?? ''}` +
        (c.success === false ? ` FAILED: ${c.message}` : '') +
        (body.threadId !== undefined ? ` thread=${body.threadId}` : '') +
        (body.reason ? ` reason=${body.reason}` : '') +
        (Array.isArray(body.stackFrames) ? ` frames=${JSON.stringify(body.stackFrames.map((f: any) => `${f.name}:${f.line}`))}` : '') +
        (Array.isArray(body.breakpoints) ? ` breakpoints=${JSON.stringify(body.breakpoints.map((b: any) => b.line))}` : ''));
    });
  });
}

/** Clicks cell 0's breakpoint gutter beside line n (1-based), as a user does. */
async function clickGutter(page: Page, n: number): Promise<void> {
  const cell = cellAt(page, 0);
  const gutter = await cell.locator('.cm-gutter.cm-breakpoint-gutter').boundingBox();
  const line = await cell.locator('.cm-line').nth(n - 1).boundingBox();
  if (!gutter || !line) throw new Error('no breakpoint gutter beside the cell (is the debugger on?)');
  await page.mouse.click(gutter.x + gutter.width / 2, line.y + line.height / 2);
}

/** Polls until pred holds of what the page shows, or fails with the last state seen. */
async function until<T>(what: string, read: () => Promise<T>, pred: (v: T) => boolean, timeout = LIMIT.cell): Promise<T> {
  const deadline = Date.now() + timeout;
  let v = await read();
  while (!pred(v)) {
    if (Date.now() > deadline) throw new Error(`${what}: not seen in ${timeout / 1000} s; last seen ${JSON.stringify(v).slice(0, 800)}`);
    await new Promise(r => setTimeout(r, 100)); // polling interval
    v = await read();
  }
  return v;
}

const has = (shown: Shown[], want: Shown[]) => want.every(w => shown.some(s => s.name === w.name && s.detail === w.detail));

/** Polls like until, but returns the last state seen instead of failing. */
async function settle<T>(read: () => Promise<T>, pred: (v: T) => boolean, timeout = LIMIT.cell): Promise<T> {
  return until('', read, pred, timeout).catch(() => read());
}

/**
 * Waits until the cell is stopped at stop.line and the page shows it, then
 * checks the top frame, the Call Stack panel, the editor's highlighted line
 * and the Variables panel (each check on what was last seen, if the page
 * never got there).
 */
async function checkStop(page: Page, s: DebugScenario, stop: Stop, label: string, check: Checker): Promise<void> {
  const w = await settle(() => where(page), w =>
    w.stopped && w.frame?.line === stop.line && w.highlighted.length > 0 && w.frames.length > 0 && w.frames[0].includes(`:${stop.line}`));
  check.ok(w.stopped && w.frame?.line === stop.line, `${s.name} ${label}: stopped at line ${stop.line} (${JSON.stringify(w.frame)})`);
  if (!w.stopped) throw new Error(`${s.name} ${label}: the cell did not stop (running: ${await running(page, 0)}, outputs ${await outputText(page, 0)})`);
  check.ok(w.frame?.path === w.cellPath && w.cellPath !== '',
    `${s.name} ${label}: the top frame is in the cell (frame path ${w.frame?.path}, cell path ${w.cellPath})`);
  check.ok(w.frames.length > 0 && w.frames[0].includes(`:${stop.line}`),
    `${s.name} ${label}: the Call Stack panel lists the frame at line ${stop.line} (${JSON.stringify(w.frames)})`);
  check.ok(w.highlighted.length === 1 && w.highlighted[0] === stop.line,
    `${s.name} ${label}: the editor highlights line ${stop.line} (${JSON.stringify(w.highlighted)})`);
  const shown = await settle(() => shownVariables(page), v => has(v, stop.vars));
  const ok = has(shown, stop.vars);
  check.ok(ok, `${s.name} ${label}: the Variables panel lists ${list(stop.vars)}` +
    (ok ? '' : ` (it lists ${JSON.stringify(shown).slice(0, 600)})`));
  if (!stop.globals) return;
  // The scope selector in the Variables panel's title bar, set to Globals and back.
  const scope = page.locator(`${SIDEBAR} select[aria-label="Scope"]`);
  await scope.selectOption('Globals');
  const globals = await settle(() => shownVariables(page), v => has(v, stop.globals!));
  const gok = has(globals, stop.globals);
  check.ok(gok, `${s.name} ${label}: with the scope set to Globals, the Variables panel lists ${list(stop.globals)}` +
    (gok ? '' : ` (it lists ${JSON.stringify(globals).slice(0, 600)})`));
  await scope.selectOption('Locals');
}

const list = (vars: Shown[]) => vars.map(v => `${v.name} = ${v.detail}`).join(', ');

/**
 * Waits until cell 0 has finished its runs-th run, then checks its output
 * and that nothing is stopped or highlighted (on what the page shows if it
 * never finished).
 */
async function finished(page: Page, s: DebugScenario, runs: number, label: string, check: Checker): Promise<void> {
  const done = await page.waitForFunction(runs => {
    const m = window.lab.panel.content.widgets[0].model as any;
    return window.lab.executed.filter(e => e.index === 0).length >= runs && m.executionState === 'idle';
  }, runs, { timeout: LIMIT.cell, polling: 100 }).then(() => true, () => false);
  check.ok(done, `${s.name} ${label}: the cell's run ends`);
  const out = await outputText(page, 0);
  check.ok(out.trim() === s.output, `${s.name} ${label}: the cell finishes with its output ${JSON.stringify(s.output)} (${JSON.stringify(out)})`);
  const after = await where(page);
  check.ok(!after.stopped && after.highlighted.length === 0, `${s.name} ${label}: nothing is stopped or highlighted (${JSON.stringify(after)})`);
}

/** Clicks a command's button in the Call Stack panel's title bar (the sidebar's only one). */
async function callstackButton(page: Page, command: string): Promise<void> {
  const b = page.locator(`${SIDEBAR} .jp-AccordionPanel-title [data-command="${command}"]`);
  await until(`${command} button enabled`, () => b.isEnabled(), e => e);
  await b.click();
}

/**
 * The scenario, in a notebook at path on the server holding its one cell
 * (written by the caller with putNotebook): debugger on, breakpoint by the
 * gutter, run, stop, Next, Continue, breakpoint off, Continue, output.
 */
export async function debugScenario(page: Page, base: string, path: string, s: DebugScenario, shots: string, check: Checker): Promise<void> {
  await page.goto(`${base}warren-lab/index.html?path=${encodeURIComponent(path)}#token=${encodeURIComponent(check.token)}`);
  const k = await waitKernel(page);
  check.ok(k.name === s.kernel, `${s.name}: the notebook runs kernel ${k.name} (want ${s.kernel})`);
  await page.waitForFunction(() => document.body.dataset.debuggerAvailable !== undefined, null, { timeout: LIMIT.kernel });
  const available = await page.evaluate(() => document.body.dataset.debuggerAvailable);
  check.ok(available === 'true', `${s.name}: the debugger is available for the kernel (kernelspec metadata.debugger; got ${available})`);
  if (available !== 'true') return;
  await recordDap(page);
  try {
    await scenario(page, s, shots, check);
  } finally {
    const log = await page.evaluate(() => (window as any).dapLog as string[]).catch(() => []);
    fs.writeFileSync(`${shots}-dap.log`, log.join('\n') + '\n');
  }
}

async function scenario(page: Page, s: DebugScenario, shots: string, check: Checker): Promise<void> {

  // The bug button turns the debugger on; the sidebar opens and the cell gets a breakpoint gutter.
  const bug = page.locator('.jp-NotebookPanel-toolbar .jp-DebuggerBugButton');
  await until('bug button enabled', () => bug.isEnabled(), e => e);
  await bug.click();
  await until('debugger started and sidebar shown', () =>
    page.evaluate(sel => window.lab.debugger.service.isStarted && !!document.querySelector(sel)?.checkVisibility(), SIDEBAR), v => v, LIMIT.kernel);
  check.ok(true, `${s.name}: the bug button starts the debugger (initialize, attach over the control channel) and opens the sidebar`);
  await until('breakpoint gutter', () => cellAt(page, 0).locator('.cm-gutter.cm-breakpoint-gutter').count(), n => n === 1);

  // A click in the gutter sets a breakpoint: marker, Breakpoints panel, kernel's reply.
  await clickGutter(page, s.breakpoint);
  const bps = await until(`breakpoint at line ${s.breakpoint} set`, () => breakpoints(page),
    b => b.model.length === 1 && b.model[0].line === s.breakpoint && b.panel.length === 1);
  check.ok(bps.model[0].verified, `${s.name}: the kernel verified the breakpoint at line ${s.breakpoint} (${JSON.stringify(bps.model)})`);
  check.ok(bps.panel[0] === String(s.breakpoint), `${s.name}: the Breakpoints panel lists line ${s.breakpoint} (${JSON.stringify(bps.panel)})`);
  const marks = await gutterMarks(page);
  check.ok(marks.length === 1 && marks[0] === s.breakpoint, `${s.name}: the gutter marks line ${s.breakpoint} (${JSON.stringify(marks)})`);

  // Run the cell: it stops at the breakpoint.
  await editEnd(page, 0);
  await page.keyboard.press('Shift+Enter');
  await checkStop(page, s, s.first, 'at the breakpoint', check);
  const t = await page.evaluate(async () => {
    const { service } = window.lab.debugger;
    const id = [...service.model.stoppedThreads][0];
    const reply = (await service.session!.sendRequest('threads', {})) as any;
    return { id, threads: reply.body.threads as { id: number; name: string }[] };
  });
  const name = t.threads.find(th => th.id === t.id)?.name ?? '';
  check.ok(name.includes(s.thread), `${s.name}: the stopped thread ${t.id} is ${JSON.stringify(name)} (want ${JSON.stringify(s.thread)}; threads ${JSON.stringify(t.threads).slice(0, 300)})`);
  await page.screenshot({ path: `${shots}-stopped.png` });
  console.log(`     screenshot ${shots}-stopped.png`);

  // Next: one line on, with the new local.
  await callstackButton(page, 'debugger:next');
  await checkStop(page, s, s.next, 'after Next', check);
  await page.screenshot({ path: `${shots}-next.png` });

  // Continue: the loop comes round to the breakpoint again, with new
  // values, until the last Continue lets the cell finish with its output.
  for (const [k, stop] of s.again.entries()) {
    await callstackButton(page, 'debugger:continue');
    await checkStop(page, s, stop, `after Continue ${k + 1}`, check);
  }
  await callstackButton(page, 'debugger:continue');
  await finished(page, s, 1, 'after the last Continue', check);
  await page.screenshot({ path: `${shots}-done.png` });

  // A second click in the gutter removes the breakpoint: the cell runs through.
  await clickGutter(page, s.breakpoint);
  const gone = await settle(() => breakpoints(page), b => b.model.length === 0 && b.panel.length === 0);
  const marks2 = await gutterMarks(page);
  check.ok(gone.model.length === 0 && gone.panel.length === 0 && marks2.length === 0,
    `${s.name}: a second click in the gutter removes the breakpoint (${JSON.stringify({ ...gone, marks: marks2 })})`);
  const stops = await page.evaluate(() => (window as any).dapStops as number);
  await editEnd(page, 0);
  await page.keyboard.press('Shift+Enter');
  await finished(page, s, 2, 'run again without the breakpoint', check);
  const stops2 = await page.evaluate(() => (window as any).dapStops as number);
  check.ok(stops2 === stops, `${s.name}: run again without the breakpoint, the cell does not stop (${stops2 - stops} stopped events)`);

  // The bug button turns the debugger off again.
  await bug.click();
  await until('debugger stopped', () => page.evaluate(() => window.lab.debugger.service.isStarted), v => !v);
  check.ok(true, `${s.name}: the bug button turns the debugger off`);
}
