/**
 * The editor panel: one Monaco editor with a tab per open file (dark theme by default, a light
 * one, minimap). Ctrl/Cmd+Enter asks for a run, Ctrl/Cmd+S for nothing but the reassurance that
 * everything is saved (edits are durable once the server acknowledges them).
 */

import type { Connection } from "../connection/connection";
import { describeError } from "../connection/rpc";
import { showCursorNames } from "../editor/cursors";
import { MAX_FILE_UNITS } from "../editor/shared-file";
import type { SharedFile, Workspace } from "../editor/workspace";
import { monaco } from "../editor/monaco";
import { h } from "../dom";
import type { Page, Theme } from "../page";
import { rememberTabs } from "../remembered";

const MONACO_THEME: Record<Theme, string> = { dark: "vs-dark", light: "vs" };

interface Tab {
  readonly path: string;
  readonly element: HTMLElement;
  viewState: monaco.editor.ICodeEditorViewState | null;
}

export function mountEditor(root: HTMLElement, page: Page, connection: Connection, workspace: Workspace): void {
  const tabBar = h("div", { className: "tabs", role: "tablist", "data-testid": "tabs" });
  const error = h("div", { className: "panel-error", "data-testid": "editor-error", hidden: true });
  const empty = h("div", { className: "editor-empty", "data-testid": "editor-empty" }, "Open a file from the list on the left.");
  const host = h("div", { className: "editor-host", "data-testid": "editor" });
  root.append(tabBar, error, host, empty);

  const editor = monaco.editor.create(host, {
    model: null,
    theme: MONACO_THEME[page.theme],
    automaticLayout: true,
    minimap: { enabled: true },
    fontSize: 14,
    fontFamily: "ui-monospace, SFMono-Regular, Menlo, Consolas, 'DejaVu Sans Mono', monospace",
    tabSize: 4,
    insertSpaces: true,
    scrollBeyondLastLine: false,
    wordBasedSuggestions: "off",
    quickSuggestions: { other: true, comments: false, strings: true },
    suggestOnTriggerCharacters: true,
    fixedOverflowWidgets: true,
    renderWhitespace: "selection",
    "semanticHighlighting.enabled": false,
  });

  showCursorNames(editor);

  const tabs = new Map<string, Tab>();
  let active: string | null = null;
  let opening = 0;

  const remember = () => rememberTabs(workspace.playground, { open: [...tabs.keys()], active });

  const showError = (message: string | null) => {
    error.hidden = message === null;
    error.textContent = message ?? "";
  };

  const activate = (path: string | null) => {
    const previous = active === null ? undefined : tabs.get(active);
    if (previous !== undefined) previous.viewState = editor.saveViewState();
    active = path;
    for (const tab of tabs.values()) {
      const selected = tab.path === path;
      tab.element.classList.toggle("active", selected);
      tab.element.setAttribute("aria-selected", String(selected));
    }
    const file = path === null ? undefined : workspace.get(path);
    empty.hidden = file !== undefined;
    host.hidden = file === undefined;
    if (file === undefined) {
      editor.setModel(null);
    } else {
      editor.setModel(file.textModel);
      editor.updateOptions({ readOnly: !file.canEdit, readOnlyMessage: { value: "This playground is view-only for you." } });
      const state = tabs.get(file.path)?.viewState;
      if (state) editor.restoreViewState(state);
      editor.focus();
    }
    remember();
    page.post({ kind: "active", path });
  };

  const addTab = (file: SharedFile) => {
    if (tabs.has(file.path)) return;
    const close = h("button", {
      type: "button",
      className: "tab-close",
      title: `Close ${file.path}`,
      "aria-label": `Close ${file.path}`,
      "data-testid": "tab-close",
      onclick: (event: Event) => {
        event.stopPropagation();
        closeTab(file.path);
      },
    }, "×");
    const element = h("div", {
      className: "tab",
      role: "tab",
      title: file.path,
      "data-testid": "tab",
      "data-path": file.path,
      onclick: () => activate(file.path),
    }, h("span", { className: "tab-name" }, file.path), close);
    tabs.set(file.path, { path: file.path, element, viewState: null });
    tabBar.append(element);
  };

  /** `gone`: the file was deleted or renamed on the server. */
  const closeTab = (path: string, gone = false) => {
    const tab = tabs.get(path);
    if (tab === undefined) return;
    const order = [...tabs.keys()];
    const index = order.indexOf(path);
    tab.element.remove();
    tabs.delete(path);
    workspace.close(path, gone);
    if (active === path) activate(order[index + 1] ?? order[index - 1] ?? null);
    else remember();
  };

  const open = async (path: string) => {
    const ticket = ++opening;
    try {
      const file = await workspace.open(path);
      showError(null);
      addTab(file);
      if (ticket === opening) activate(path);
      else remember();
    } catch (err) {
      showError(`Could not open ${path}: ${describeError(err)}`);
    }
  };

  // Go to definition in another file of the playground: open it in a tab, then reveal the spot.
  monaco.editor.registerEditorOpener({
    openCodeEditor: async (_source, resource, where) => {
      const prefix = `/${workspace.playground}/`;
      if (resource.scheme !== "playground" || !resource.path.startsWith(prefix)) return false;
      const path = resource.path.slice(prefix.length);
      await open(path);
      if (active !== path || where === undefined) return active === path;
      if ("startLineNumber" in where) {
        editor.setSelection(where);
        editor.revealRangeInCenterIfOutsideViewport(where);
      } else {
        editor.setPosition(where);
        editor.revealPositionInCenterIfOutsideViewport(where);
      }
      return true;
    },
  });

  // A paste the server would refuse is not made at all (it would also cost megabytes on the wire).
  host.addEventListener("paste", (event) => {
    const model = editor.getModel();
    const text = event.clipboardData?.getData("text/plain") ?? "";
    if (model === null || model.getValueLength() + text.length <= MAX_FILE_UNITS) return;
    event.preventDefault();
    event.stopPropagation();
    showError(`That paste is too big: a file holds at most ${MAX_FILE_UNITS.toLocaleString("en")} characters.`);
  }, true);

  editor.onDidChangeCursorSelection(() => {
    const path = active;
    const selections = editor.getSelections();
    if (path !== null && selections !== null) workspace.get(path)?.setSelections(selections);
  });

  editor.addCommand(monaco.KeyMod.CtrlCmd | monaco.KeyCode.Enter, () => page.post({ kind: "run" }));
  editor.addCommand(monaco.KeyMod.CtrlCmd | monaco.KeyCode.KeyS, () => page.post({ kind: "save" }));
  // Format Document is Shift+Alt+F everywhere (Monaco binds Ctrl+Shift+I on Linux, as VS Code).
  editor.addCommand(monaco.KeyMod.Shift | monaco.KeyMod.Alt | monaco.KeyCode.KeyF, () => {
    void editor.getAction("editor.action.formatDocument")?.run();
  });

  page.on((event) => {
    switch (event.kind) {
      case "open":
        void open(event.path);
        break;
      case "closed":
        closeTab(event.path, true);
        break;
      case "renamed": {
        const wasOpen = tabs.has(event.path);
        const wasActive = active === event.path;
        closeTab(event.path, true);
        if (wasOpen || wasActive) void open(event.newPath);
        break;
      }
      case "theme":
        monaco.editor.setTheme(MONACO_THEME[event.theme]);
        break;
      default:
        break;
    }
  });

  workspace.onEvent((event) => {
    if (event.kind === "problem") showError(`${event.path}: ${event.message}`);
  });

  connection.onReady(() => {
    // Tabs whose file could not be opened while down get another try.
    if (active !== null && workspace.get(active) === undefined) void open(active);
  });

  empty.hidden = false;
  host.hidden = true;
}
