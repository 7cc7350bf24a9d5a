// A notebook page built from JupyterLab 4.6's own components (NotebookPanel,
// rendermime, CodeMirror 6 editors, the kernel completer, the Shift+Tab
// tooltip, the toolbar's Run All / Interrupt / Restart buttons and kernel
// status), talking to a Jupyter server through @jupyterlab/services. It is
// what a JupyterLab user's notebook tab is, without the rest of the app
// (file browser, settings, extensions), with JupyterLab's visual debugger
// (src/debugger.ts). The wiring follows JupyterLab's examples/notebook.
//
// The page is opened as  <server base>/warren-lab/index.html?path=NB.ipynb
// with the token in the URL's fragment (#token=…), so it never reaches a
// server log. The test driver serves this directory's build at that path
// (tests/lab/driver/main.ts), so the page has the server's origin and needs
// nothing from the server but its REST and websocket APIs.
import { PageConfig, Text, URLExt } from '@jupyterlab/coreutils';

import './style';

import type { IYText } from '@jupyter/ydoc';
import { CommandToolbarButton, SessionContextDialogs, Toolbar as AppToolbar } from '@jupyterlab/apputils';
import {
  CodeMirrorEditorFactory,
  CodeMirrorMimeTypeService,
  EditorExtensionRegistry,
  EditorLanguageRegistry,
  EditorThemeRegistry,
  ybinding
} from '@jupyterlab/codemirror';
import {
  Completer,
  CompleterModel,
  CompletionHandler,
  KernelCompleterProvider,
  ProviderReconciliator
} from '@jupyterlab/completer';
import type { CodeEditor } from '@jupyterlab/codeeditor';
import { DocumentManager } from '@jupyterlab/docmanager';
import { DocumentRegistry } from '@jupyterlab/docregistry';
import { createMarkdownParser } from '@jupyterlab/markedparser-extension';
import {
  ExecutionIndicator,
  NotebookActions,
  NotebookModelFactory,
  NotebookPanel,
  NotebookWidgetFactory,
  StaticNotebook
} from '@jupyterlab/notebook';
import { RenderMimeRegistry, standardRendererFactories } from '@jupyterlab/rendermime';
import { Event, ServerConnection, ServiceManager } from '@jupyterlab/services';
import { Tooltip } from '@jupyterlab/tooltip';
import { fastForwardIcon, refreshIcon, runIcon, stopIcon, Toolbar } from '@jupyterlab/ui-components';
import { CommandRegistry } from '@lumino/commands';
import { Stream } from '@lumino/signaling';
import { SplitPanel, Widget } from '@lumino/widgets';

import { addDebugger } from './debugger';
import type { LabHandle } from './handle';

const CMD = {
  runAndAdvance: 'notebook-cells:run-and-advance',
  runAll: 'notebook:run-all-cells',
  interrupt: 'notebook:interrupt-kernel',
  restart: 'notebook:restart-kernel',
  commandMode: 'notebook:command-mode',
  editMode: 'notebook:edit-mode',
  insertBelow: 'notebook-cells:insert-below',
  completerInvoke: 'completer:invoke-notebook',
  completerSelect: 'completer:select-notebook',
  tooltipLaunch: 'tooltip:launch-notebook',
  tooltipDismiss: 'tooltip:dismiss'
};

// Server settings from the page's own URL.
function configure(): void {
  const params = new URLSearchParams(window.location.search);
  const hash = new URLSearchParams(window.location.hash.slice(1));
  const base = window.location.pathname.replace(/warren-lab\/.*$/, '');
  PageConfig.setOption('baseUrl', URLExt.join(window.location.origin, base));
  PageConfig.setOption('token', hash.get('token') ?? '');
  PageConfig.setOption('notebookPath', params.get('path') ?? 'Untitled.ipynb');
  PageConfig.setOption('terminalsAvailable', 'false');
  window.history.replaceState({}, '', window.location.pathname + window.location.search);
}

// jupyter-server 1.x has no /api/events (added in 2.0), and the stock
// EventManager would retry its websocket forever; this page needs no events.
class NoEvents implements Event.IManager {
  readonly serverSettings = ServerConnection.makeSettings();
  readonly stream: Stream<Event.IManager, Event.Emission> = new Stream<Event.IManager, Event.Emission>(this);
  isDisposed = false;
  dispose(): void {
    this.isDisposed = true;
  }
  async emit(): Promise<void> {
    // nothing listens
  }
}

function editorServices() {
  const languages = new EditorLanguageRegistry();
  EditorLanguageRegistry.getDefaultLanguages().forEach(l => languages.addLanguage(l));
  languages.addLanguage({
    name: 'ipythongfm',
    mime: 'text/x-ipythongfm',
    load: async () => {
      const m = await import('@codemirror/lang-markdown');
      return m.markdown();
    }
  });
  const themes = new EditorThemeRegistry();
  EditorThemeRegistry.getDefaultThemes().forEach(t => themes.addTheme(t));
  const extensions = new EditorExtensionRegistry();
  EditorExtensionRegistry.getDefaultExtensions({ themes }).forEach(f => extensions.addExtension(f));
  // Editors edit the cell's shared (Yjs) source, as in JupyterLab.
  extensions.addExtension({
    name: 'shared-model-binding',
    factory: options => {
      const shared = options.model.sharedModel as IYText;
      return EditorExtensionRegistry.createImmutableExtension(
        ybinding({ ytext: shared.ysource, undoManager: shared.undoManager ?? undefined })
      );
    }
  });
  return {
    languages,
    factory: new CodeMirrorEditorFactory({ extensions, languages }),
    mimeTypes: new CodeMirrorMimeTypeService(languages)
  };
}

function createPage(manager: ServiceManager.IManager): void {
  const commands = new CommandRegistry();
  document.addEventListener('keydown', e => commands.processKeydownEvent(e), true);
  const editors = editorServices();
  const rendermime = new RenderMimeRegistry({
    initialFactories: standardRendererFactories,
    markdownParser: createMarkdownParser(editors.languages)
  });

  const registry = new DocumentRegistry();
  const docManager = new DocumentManager({
    registry,
    manager,
    opener: {
      open: () => undefined,
      get opened() {
        return { connect: () => false, disconnect: () => false } as any;
      }
    }
  });
  docManager.autosave = false; // the test never changes the notebooks on the server
  const dialogs = new SessionContextDialogs();
  const toolbarFactory = (panel: NotebookPanel): DocumentRegistry.IToolbarItem[] => [
    ...[CMD.runAndAdvance, CMD.runAll, CMD.interrupt, CMD.restart].map(id => ({
      name: id,
      widget: new CommandToolbarButton({ commands, id, args: { toolbar: true } })
    })),
    { name: 'spacer', widget: Toolbar.createSpacerItem() },
    { name: 'kernelName', widget: AppToolbar.createKernelNameItem(panel.sessionContext, dialogs) },
    { name: 'kernelStatus', widget: AppToolbar.createKernelStatusItem(panel.sessionContext) },
    { name: 'executionProgress', widget: ExecutionIndicator.createExecutionIndicatorItem(panel) }
  ];
  registry.addModelFactory(new NotebookModelFactory({}));
  registry.addWidgetFactory(
    new NotebookWidgetFactory({
      name: 'Notebook',
      modelName: 'notebook',
      fileTypes: ['notebook'],
      defaultFor: ['notebook'],
      preferKernel: true,
      canStartKernel: true,
      rendermime,
      contentFactory: new NotebookPanel.ContentFactory({ editorFactory: editors.factory.newInlineEditor }),
      mimeTypeService: editors.mimeTypes,
      toolbarFactory,
      notebookConfig: { ...StaticNotebook.defaultNotebookConfig, windowingMode: 'none' }
    })
  );
  const panel = docManager.open(PageConfig.getOption('notebookPath')) as NotebookPanel;
  const nb = panel.content;
  const session = panel.sessionContext;

  // Tab: the kernel's completions (complete_request), as JupyterLab does.
  const completer = new Completer({ model: new CompleterModel() });
  const reconciliator = (editor: CodeEditor.IEditor | null) =>
    new ProviderReconciliator({
      context: { widget: panel, editor, session: session.session },
      providers: [new KernelCompleterProvider()],
      timeout: 5000
    });
  const handler = new CompletionHandler({ completer, reconciliator: reconciliator(null) });
  const follow = () => {
    const editor = nb.activeCell?.editor ?? null;
    handler.editor = editor;
    handler.reconciliator = reconciliator(editor);
  };
  nb.activeCellChanged.connect(follow);
  session.sessionChanged.connect(follow);
  session.kernelChanged.connect(follow);
  void session.ready.then(follow);
  completer.hide();

  // Shift+Tab: the kernel's inspect_reply in a tooltip, as in JupyterLab's tooltip extension.
  let tooltip: Tooltip | null = null;
  commands.addCommand(CMD.tooltipDismiss, {
    execute: () => {
      tooltip?.dispose();
      tooltip = null;
    }
  });
  commands.addCommand(CMD.tooltipLaunch, {
    execute: async () => {
      const editor = nb.activeCell?.editor;
      const kernel = session.session?.kernel;
      if (!editor || !kernel) return;
      tooltip?.dispose();
      tooltip = null;
      const code = editor.model.sharedModel.getSource();
      const cursor = Text.jsIndexToCharIndex(editor.getOffsetAt(editor.getCursorPosition()), code);
      const reply = await kernel.requestInspect({ code, cursor_pos: cursor, detail_level: 0 });
      if (reply.content.status !== 'ok' || !reply.content.found) return;
      tooltip = new Tooltip({ anchor: nb, bundle: reply.content.data, editor, rendermime });
      Widget.attach(tooltip, document.body);
    }
  });

  const onToolbar = (s: string, icon: any) => ({
    label: (args: any) => (args.toolbar ? '' : s),
    caption: s,
    icon: (args: any) => (args.toolbar ? icon : undefined)
  });
  commands.addCommand(CMD.runAndAdvance, {
    ...onToolbar('Run the selected cells and advance', runIcon),
    execute: () => NotebookActions.runAndAdvance(nb, session, dialogs)
  });
  commands.addCommand(CMD.runAll, {
    ...onToolbar('Run all cells', fastForwardIcon),
    execute: () => NotebookActions.runAll(nb, session, dialogs)
  });
  commands.addCommand(CMD.interrupt, {
    ...onToolbar('Interrupt the kernel', stopIcon),
    execute: async () => session.session?.kernel?.interrupt()
  });
  commands.addCommand(CMD.restart, {
    ...onToolbar('Restart the kernel', refreshIcon),
    execute: () => dialogs.restart(session)
  });
  commands.addCommand(CMD.commandMode, { execute: () => { nb.mode = 'command'; } });
  commands.addCommand(CMD.editMode, { execute: () => { nb.mode = 'edit'; } });
  commands.addCommand(CMD.insertBelow, { execute: () => NotebookActions.insertBelow(nb) });
  commands.addCommand(CMD.completerInvoke, {
    execute: () => (nb.activeCell?.model.type === 'code' ? handler.invoke() : undefined)
  });
  commands.addCommand(CMD.completerSelect, {
    execute: () => (nb.activeCell?.model.type === 'code' ? handler.completer.selectActive() : undefined)
  });
  const commandMode = '.jp-Notebook.jp-mod-commandMode:not(.jp-mod-readWrite) :focus';
  // Selectors and keys from JupyterLab's shortcut settings.
  [
    { selector: '.jp-Notebook.jp-mod-editMode .jp-mod-completer-enabled', keys: ['Tab'], command: CMD.completerInvoke },
    { selector: '.jp-mod-completer-active', keys: ['Enter'], command: CMD.completerSelect },
    {
      selector:
        '.jp-Notebook.jp-mod-editMode .jp-InputArea-editor:not(.jp-mod-has-primary-selection):not(.jp-mod-in-leading-whitespace):not(.jp-mod-completer-active)',
      keys: ['Shift Tab'],
      command: CMD.tooltipLaunch
    },
    { selector: 'body.jp-mod-tooltip .jp-Notebook', keys: ['Escape'], command: CMD.tooltipDismiss },
    { selector: '.jp-Notebook', keys: ['Shift Enter'], command: CMD.runAndAdvance },
    { selector: '.jp-Notebook.jp-mod-editMode', keys: ['Escape'], command: CMD.commandMode },
    { selector: commandMode, keys: ['Enter'], command: CMD.editMode },
    { selector: commandMode, keys: ['B'], command: CMD.insertBelow },
    { selector: commandMode, keys: ['I', 'I'], command: CMD.interrupt }
  ].forEach(b => commands.addKeyBinding(b));

  // The notebook on the left; the debugger's sidebar, when it is on, on the right.
  const layout = new SplitPanel({ orientation: 'horizontal', spacing: 0 });
  layout.id = 'main';
  layout.addClass('jp-ThemedContainer');
  SplitPanel.setStretch(panel, 3);
  layout.addWidget(panel);
  const dbg = addDebugger({
    manager,
    commands,
    panel,
    layout,
    editorServices: { factoryService: editors.factory, mimeTypeService: editors.mimeTypes }
  });
  SplitPanel.setStretch(dbg.sidebar, 1);
  completer.addClass('jp-ThemedContainer');
  Widget.attach(layout, document.body);
  Widget.attach(completer, document.body);
  window.addEventListener('resize', () => layout.update());

  const handle: LabHandle = { manager, panel, commands, debugger: dbg, executed: [], batches: 0 };
  NotebookActions.executed.connect((_, a) => {
    if (a.notebook === nb) handle.executed.push({ index: nb.widgets.indexOf(a.cell), success: a.success });
  });
  NotebookActions.selectionExecuted.connect((_, a) => {
    if (a.notebook === nb) handle.batches += 1;
  });
  window.lab = handle;
  document.body.dataset.labReady = 'true';
}

window.addEventListener('load', () => {
  configure();
  const manager = new ServiceManager({ events: new NoEvents() });
  manager.ready
    .then(() => createPage(manager))
    .catch(e => {
      console.error('page setup failed:', e);
      document.body.dataset.labError = String(e?.stack ?? e);
    });
});
