// Styles from each package's style/index.js (they import their
// dependencies' styles), JupyterLab's light theme, and the page's own.
import { applyJupyterTheme } from '@jupyter/web-components';
import '@jupyterlab/application/style/index.js';
import '@jupyterlab/notebook/style/index.js';
import '@jupyterlab/completer/style/index.js';
import '@jupyterlab/tooltip/style/index.js';
import '@jupyterlab/debugger/style/index.js';
import '@jupyterlab/theme-light-extension/style/theme.css';
import './page.css';

window.addEventListener('load', () => applyJupyterTheme());
