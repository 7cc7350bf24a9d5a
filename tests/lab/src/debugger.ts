// JupyterLab's visual debugger on the notebook page, wired as JupyterLab's
// @jupyterlab/debugger-extension 4.6 wires it (its plugins config, service,
// display-registry, sources, sidebar, notebooks, source-viewer and main,
// read from the package's src/index.ts): the Debugger.Service speaking the
// Debug Adapter Protocol over the kernel's control channel, the sidebar
// (Variables, Call Stack, Breakpoints, Source, Kernel Sources), the bug
// button in the notebook's toolbar that turns the debugger on (added by
// Debugger.Handler), the breakpoint gutter and current-line highlight of
// the cell editors (Debugger.EditorHandler, also from the Handler), and the
// continue / next / step in / step out / terminate commands the Call Stack
// panel's buttons run.
//
// What the page leaves out of JupyterLab's debugger: the debug console,
// consoles and file editors (the page has one notebook), the settings
// editor (the settings' defaults are used), the command palette and the
// variables' mime renderer and grid view. Sources that are not a cell of
// the notebook open read-only beside it, as the main area's tab would.
import type { JupyterFrontEnd } from '@jupyterlab/application';
import type { IEditorServices } from '@jupyterlab/codeeditor';
import { Debugger, DebuggerDisplayRegistry } from '@jupyterlab/debugger';
import type { IDebugger } from '@jupyterlab/debugger';
import type { ICodeCellModel } from '@jupyterlab/cells';
import { PathExt } from '@jupyterlab/coreutils';
import { NotebookTracker } from '@jupyterlab/notebook';
import type { NotebookPanel } from '@jupyterlab/notebook';
import type { ServiceManager } from '@jupyterlab/services';
import type { CommandRegistry } from '@lumino/commands';
import type { SplitPanel, Widget } from '@lumino/widgets';

/** The debugger's parts the driver reads (window.lab.debugger). */
export interface DebuggerParts {
  service: IDebugger;
  sidebar: Debugger.Sidebar;
  handler: Debugger.Handler;
  /** Whether the notebook's kernel supports the debugger (its kernelspec says so); null until known. */
  available: () => boolean | null;
}

export interface DebuggerOptions {
  manager: ServiceManager.IManager;
  commands: CommandRegistry;
  panel: NotebookPanel;
  /** The page's layout: the notebook, then the sidebar and opened sources. */
  layout: SplitPanel;
  editorServices: IEditorServices;
}

/** Builds the debugger and adds its sidebar (hidden until the debugger starts) to options.layout. */
export function addDebugger(options: DebuggerOptions): DebuggerParts {
  const { manager, commands, panel, layout, editorServices } = options;
  const ids = Debugger.CommandIDs;

  // The page's stand-in for JupyterLab's application shell: the notebook
  // is the current widget (the Handler's bug button acts only on it), the
  // sidebar is the right area, and read-only sources go beside the notebook.
  let sidebar: Debugger.Sidebar | null = null;
  const sources: Widget[] = [];
  const shell = {
    get currentWidget() {
      return panel;
    },
    activateById(id: string) {
      if (sidebar && id === sidebar.id) sidebar.show();
    },
    add(widget: Widget) {
      sources.push(widget);
      widget.disposed.connect(() => sources.splice(sources.indexOf(widget), 1));
      layout.insertWidget(1, widget);
    },
    *widgets() {
      yield* sources;
    }
  } as unknown as JupyterFrontEnd.IShell;

  const notebooks = new NotebookTracker({ namespace: 'warren-lab-notebook' });
  void notebooks.add(panel);

  // Cells show as "Cell [n]" in the Call Stack and Breakpoints panels.
  const config = new Debugger.Config();
  const displayRegistry = new DebuggerDisplayRegistry();
  const debuggerSources = new Debugger.Sources({ config, shell, editorServices, notebookTracker: notebooks });
  const service = new Debugger.Service({
    config,
    displayRegistry,
    debuggerSources,
    specsManager: manager.kernelspecs,
    mimeTypeService: editorServices.mimeTypeService
  });
  displayRegistry.register({
    canHandle: source => !!source.path && cellOf(panel, service, source.path) !== null,
    getDisplayName: source => {
      const cell = cellOf(panel, service, source.path ?? '');
      if (!cell) return source.path ?? '';
      if (cell.executionState === 'running') return 'Cell [*]';
      return cell.executionCount == null ? 'Cell [ ]' : `Cell [${cell.executionCount}]`;
    }
  });

  sidebar = new Debugger.Sidebar({
    service,
    callstackCommands: {
      registry: commands,
      continue: ids.debugContinue,
      terminate: ids.terminate,
      next: ids.next,
      stepIn: ids.stepIn,
      stepOut: ids.stepOut,
      evaluate: ids.evaluate
    },
    breakpointsCommands: { registry: commands, pauseOnExceptions: ids.pauseOnExceptions },
    editorServices
  });
  sidebar.id = 'jp-debugger-sidebar';
  sidebar.showSourcesPanel = false; // showSourcesInMainArea: true
  sidebar.title.caption = 'Debugger';
  sidebar.hide();
  layout.addWidget(sidebar);
  document.body.dataset.showPausedOverlay = 'true';

  // The notebooks plugin: the Handler adds the bug button to the toolbar
  // and, while the debugger is on, the breakpoint gutter to the cells.
  const handler = new Debugger.Handler({ type: 'notebook', shell, service });
  handler.executionDone.connect(() => void service.displayModules());
  let available: boolean | null = null;
  const update = async () => {
    const { sessionContext } = panel;
    await sessionContext.ready;
    await handler.updateContext(panel, sessionContext);
    await handler.updateWidget(panel, sessionContext.session);
    available = sessionContext.session ? await service.isAvailable(sessionContext.session) : false;
    document.body.dataset.debuggerAvailable = String(available);
    updateState();
  };
  void update();

  // The main plugin: commands, and the state the toolbar buttons follow.
  const updateState = () => {
    if (service.hasStoppedThreads()) document.body.dataset.jpDebuggerStoppedThreads = 'true';
    else delete document.body.dataset.jpDebuggerStoppedThreads;
    Object.values(ids).forEach(id => commands.hasCommand(id) && commands.notifyCommandChanged(id));
  };
  const stopped = () => service.hasStoppedThreads();
  commands.addCommand(ids.debugContinue, {
    label: () => (stopped() ? 'Continue' : 'Pause'),
    caption: () => (stopped() ? 'Continue' : 'Pause'),
    icon: () => (stopped() ? Debugger.Icons.continueIcon : Debugger.Icons.pauseIcon),
    isEnabled: () => service.session?.isStarted ?? false,
    execute: async () => {
      if (stopped()) await service.continue();
      else await service.pause();
      commands.notifyCommandChanged(ids.debugContinue);
    }
  });
  commands.addCommand(ids.terminate, {
    label: 'Terminate',
    caption: 'Terminate',
    icon: Debugger.Icons.terminateIcon,
    isEnabled: stopped,
    execute: async () => {
      await service.restart();
      updateState();
    }
  });
  const step = (id: string, label: string, icon: any, run: () => Promise<void>) =>
    commands.addCommand(id, { label, caption: label, icon, isEnabled: stopped, execute: run });
  step(ids.next, 'Next', Debugger.Icons.stepOverIcon, () => service.next());
  step(ids.stepIn, 'Step In', Debugger.Icons.stepIntoIcon, () => service.stepIn());
  step(ids.stepOut, 'Step Out', Debugger.Icons.stepOutIcon, () => service.stepOut());
  // The debug console is not on the page; its command stays disabled.
  commands.addCommand(ids.evaluate, { label: 'Evaluate Code', isEnabled: () => false, execute: () => undefined });
  commands.addCommand(ids.pauseOnExceptions, {
    label: args => (args.filter as string) || 'Breakpoints on exception',
    caption: args => (args.description as string) ?? '',
    isToggled: args => service.session?.isPausingOnException(args.filter as string) || false,
    isEnabled: () => service.pauseOnExceptionsIsValid(),
    execute: async args => {
      if (args?.filter) await service.pauseOnExceptionsFilter(args.filter as string);
    }
  });
  service.eventMessage.connect((_, event) => {
    updateState();
    if (event.event === 'initialized') shell.activateById(sidebar!.id);
  });
  service.sessionChanged.connect(updateState);

  // The source-viewer plugin: the current frame's cell is revealed and its
  // line highlighted; a frame outside the cells opens its source read-only.
  const readOnly = new Debugger.ReadOnlyEditorFactory({ editorServices });
  service.model.callstack.currentFrameChanged.connect(async (_, frame) => {
    if (!service.isStarted || !frame?.source?.path) return;
    try {
      const source = await service.getSource({ path: frame.source.path });
      if (source) openSource(source, frame);
    } catch (e) {
      console.error('Failed to fetch source:', e);
    }
  });
  const openSource = (source: IDebugger.Source, frame: IDebugger.IStackFrame) => {
    const found = debuggerSources.find({
      focus: true,
      kernel: service.session?.connection?.kernel?.name ?? '',
      path: service.session?.connection?.path ?? '',
      source: frame.source?.path ?? source.path
    });
    if (found.length > 0) {
      for (const editor of found) {
        void editor.reveal().then(() => {
          const e = editor.get();
          if (e && typeof frame.line === 'number') {
            e.revealPosition({ line: frame.line - 1, column: frame.column ?? 0 });
            Debugger.EditorHandler.showCurrentLine(e, frame.line);
          }
        });
      }
      return;
    }
    for (const w of [...sources]) w.dispose(); // one auto-opened source at a time
    const wrapper = readOnly.createNewEditor({ content: source.content, mimeType: source.mimeType, path: source.path });
    const editorHandler = new Debugger.EditorHandler({
      debuggerService: service,
      editorReady: () => Promise.resolve(wrapper.editor),
      getEditor: () => wrapper.editor,
      path: source.path,
      src: wrapper.editor.model.sharedModel
    });
    wrapper.disposed.connect(() => editorHandler.dispose());
    debuggerSources.open({ label: PathExt.basename(source.path), caption: source.path, editorWrapper: wrapper });
    requestAnimationFrame(() => {
      wrapper.editor.revealPosition({ line: frame.line - 1, column: frame.column ?? 0 });
      Debugger.EditorHandler.showCurrentLine(wrapper.editor, frame.line, 'start');
    });
  };

  return { service, sidebar, handler, available: () => available };
}

/** The code cell of panel whose source the kernel knows by path, if any. */
function cellOf(panel: NotebookPanel, service: IDebugger, path: string): ICodeCellModel | null {
  for (const cell of panel.content.widgets) {
    if (cell.model.type !== 'code') continue;
    // getCodeId is '' until the kernel's debugInfo gave its hash parameters
    const id = service.getCodeId(cell.model.sharedModel.getSource());
    if (id !== '' && id === path) return cell.model as ICodeCellModel;
  }
  return null;
}
