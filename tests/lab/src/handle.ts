// The page's handle for the test driver (window.lab). The page is built
// from JupyterLab's components; the driver acts through the UI (clicks,
// key presses) and reads state through this handle. Shared by the page
// (src/index.ts) and the driver (driver/*.ts), which type-check against it.
import type { CommandRegistry } from '@lumino/commands';
import type { NotebookPanel } from '@jupyterlab/notebook';
import type { ServiceManager } from '@jupyterlab/services';
import type { DebuggerParts } from './debugger';

/** One finished cell execution, in the order NotebookActions reported it. */
export interface ExecutedCell {
  /** Index of the cell in the notebook. */
  index: number;
  success: boolean;
}

/** What the page offers the driver. */
export interface LabHandle {
  manager: ServiceManager.IManager;
  panel: NotebookPanel;
  commands: CommandRegistry;
  /** JupyterLab's visual debugger on the page. */
  debugger: DebuggerParts;
  /** Every cell execution that finished, in order. */
  executed: ExecutedCell[];
  /** Number of run batches (Run All, Shift+Enter) that finished. */
  batches: number;
}

declare global {
  interface Window {
    lab: LabHandle;
  }
}
