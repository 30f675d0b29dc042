/**
 * The page's composition root, loaded as its own chunk (Monaco, the panels, xterm.js) while
 * main.ts connects: mount the panels, open the playground the start-up chose (boot.ts: the one
 * in the address's `#p=`, else the first reachable, else a new one with a starter `main.py`) and
 * its files, taking over the answers the start-up already has. The only module that knows every
 * panel; the panels know the connection, the shared files and the page state, never each other.
 */

import { type Boot, choosePlayground, playgroundInHash } from "./boot";
import type { FilesChanged, RunOptions } from "./connection/playground";
import { describeError } from "./connection/rpc";
import { h } from "./dom";
import { Workspace } from "./editor/workspace";
import { LspClient } from "./lsp/client";
import { registerProviders } from "./lsp/providers";
import { Page, type Theme } from "./page";
import { mountBanner } from "./panels/banner";
import { mountEditor } from "./panels/editor";
import { mountFiles } from "./panels/files";
import { mountHeader } from "./panels/header";
import { serverLessons } from "./connection/lessons";
import { mountLessons } from "./panels/lessons";
import { mountPeople } from "./panels/people";
import { mountModel, type SaveFile } from "./panels/model";
import { mountRun, type RunSlots } from "./panels/run";
import { mountTrace } from "./panels/trace";
import { initialTabs, participantName } from "./remembered";

function element(id: string): HTMLElement {
  const found = document.getElementById(id);
  if (found === null) throw new Error(`the page has no #${id}`);
  return found;
}

function initialTheme(): Theme {
  try {
    const stored = localStorage.getItem("playground-theme");
    if (stored === "dark" || stored === "light") return stored;
  } catch {
    // default
  }
  return "dark";
}

function mountSidebarTabs(page: Page): void {
  const tabs = document.querySelectorAll<HTMLButtonElement>("[data-sidebar]");
  const show = (name: string) => {
    for (const tab of tabs) tab.setAttribute("aria-selected", String(tab.dataset.sidebar === name));
    for (const panel of document.querySelectorAll<HTMLElement>("[data-sidebar-panel]")) {
      panel.hidden = panel.dataset.sidebarPanel !== name;
    }
  };
  for (const tab of tabs) tab.addEventListener("click", () => show(tab.dataset.sidebar ?? "files"));
  page.on((event) => {
    if (event.kind === "sidebar") show(event.panel);
  });
}

/**
 * The run panel's views, as tabs at its toolbar's start: the console and the Trace panel (the
 * run toolbar stays above both, so Run and Stop are at hand while the trace grows).
 */
function mountRunViews(slots: RunSlots, trace: HTMLElement, badge: HTMLElement): void {
  const consoleTab = h("button", { type: "button", role: "tab", "data-testid": "view-console", "aria-selected": "true" }, "Console");
  const traceTab = h("button", { type: "button", role: "tab", "data-testid": "view-trace", "aria-selected": "false" }, "Trace", badge);
  const tablist = h("span", { className: "view-tabs", role: "tablist", "aria-label": "Output views" }, consoleTab, traceTab);
  slots.tabs.append(tablist);
  slots.body.after(trace);
  const show = (which: "console" | "trace") => {
    consoleTab.setAttribute("aria-selected", String(which === "console"));
    traceTab.setAttribute("aria-selected", String(which === "trace"));
    slots.body.hidden = which !== "console";
    trace.hidden = which !== "trace";
  };
  consoleTab.addEventListener("click", () => show("console"));
  traceTab.addEventListener("click", () => show("trace"));
}

/** Mounts the page on the connection the start-up opened (main.ts) and takes its answers over. */
export function start(boot: Boot): void {
  const { connection } = boot;
  const page = new Page(initialTheme());
  const lsp = new LspClient(boot.lsp);
  void lsp.capabilities().then((capabilities) => registerProviders(connection, lsp, capabilities));
  let workspace: Workspace | null = null;
  let starting = false;
  /** Resolves once the first file is in front (or soon after a start without one): the lessons come after. */
  let firstShown: () => void = () => undefined;
  const shown = new Promise<void>((resolve) => (firstShown = resolve));
  page.on((event) => {
    if (event.kind === "active" && event.path !== null) firstShown();
  });

  mountBanner(element("banner"), connection);
  const inviteSlot = mountHeader(element("header"), page, connection, () => workspace);
  mountPeople(element("people"), inviteSlot, page, connection, () => workspace);
  mountFiles(element("files"), page, connection);
  // A file saved for another panel (a recording): created, or when it is there already, edited
  // as a shared file (everyone in it sees the new text), as the file manager and editor do.
  const saveFile: SaveFile = async (path, text) => {
    const view = page.view;
    if (view === null || workspace === null) throw new Error("no playground is open");
    if (!page.files.includes(path)) {
      try {
        await connection.api.filesCreate(view.playground, path, text);
        return "created";
      } catch (error) {
        // It may exist already (made meanwhile): edit it below, else say why it was refused.
        const file = await workspace.open(path).catch(() => null);
        if (file === null) throw error;
      }
    }
    const wasOpen = workspace.get(path) !== undefined;
    const file = await workspace.open(path);
    const model = file.textModel;
    if (model.getValue() !== text) model.applyEdits([{ range: model.getFullModelRange(), text }]);
    await workspace.whenSaved(10_000);
    // Joined only to be written: left again, unless a tab has asked for it meanwhile.
    if (!wasOpen && !asked.has(path)) workspace.close(path);
    return "updated";
  };
  /** Files a tab was asked for since the start (a file being saved is left open for those). */
  const asked = new Set<string>();
  page.on((event) => {
    if (event.kind === "open") asked.add(event.path);
  });
  let runOptions: () => RunOptions = () => ({});
  const slots = mountRun(element("run"), page, connection, () => workspace?.whenSaved(5000) ?? Promise.resolve(true), () => runOptions());
  const model = mountModel(slots.tools, page, connection, saveFile);
  runOptions = () => model.options();
  const traceRoot = h("section", { className: "trace-panel", "data-testid": "trace-panel", "aria-label": "Trace", hidden: true });
  const trace = mountTrace(traceRoot, page, connection);
  mountRunViews(slots, traceRoot, trace.badge);
  const filesText = async () => {
    const texts: Record<string, string> = {};
    for (const path of page.files) {
      const file = await workspace?.open(path);
      if (file !== undefined) texts[path] = file.session.text;
    }
    return texts;
  };
  mountLessons(element("lessons"), page, connection, serverLessons(connection), filesText, shown);
  mountSidebarTabs(page);
  const editorRoot = element("editor");
  const startError = (message: string) => {
    firstShown();
    editorRoot.replaceChildren();
    const note = document.createElement("div");
    note.className = "panel-error start-error";
    note.dataset.testid = "start-error";
    note.textContent = message;
    editorRoot.append(note);
  };

  /** The file list, fresh (after a reconnect this also makes the socket a member again). */
  const refreshFiles = async (playground: string, listed?: Promise<string[]>) => {
    const files = await (listed ?? connection.api.filesList(playground).then((list) => list.map((f) => f.path)));
    page.post({ kind: "files", paths: files });
    for (const path of workspace?.paths() ?? []) {
      if (!files.includes(path)) page.post({ kind: "closed", path });
    }
    return files;
  };

  const filesChanged = (event: FilesChanged) => {
    const view = page.view;
    if (view === null || event.playground !== view.playground) return;
    const files = page.files.filter((p) => p !== event.path);
    if (event.kind === "create") files.push(event.path);
    if (event.kind === "rename" && event.newPath !== undefined && !files.includes(event.newPath)) files.push(event.newPath);
    page.post({ kind: "files", paths: files });
    if (event.kind === "delete") page.post({ kind: "closed", path: event.path });
    if (event.kind === "rename" && event.newPath !== undefined) {
      page.post({ kind: "renamed", path: event.path, newPath: event.newPath });
    }
  };

  const open = async () => {
    // The start-up's answers if they were made on this socket, else asked now.
    const early = boot.takeStart();
    const chosen = early === null ? null : await early;
    const info = chosen === null ? await choosePlayground(connection) : chosen.info;
    if (info === null) {
      startError("This invitation does not open a playground any more (it may have been revoked).");
      return;
    }
    history.replaceState(null, "", `${location.pathname}${location.search}#p=${encodeURIComponent(info.playground)}`);
    if (workspace === null) {
      workspace = new Workspace(connection, lsp, info.playground, participantName(), (p, path, name) => boot.takeJoin(p, path, name));
      mountEditor(editorRoot, page, connection, workspace);
    }
    page.post({
      kind: "playground",
      view: { playground: info.playground, title: info.title, role: info.role, owner: !connection.isInvited },
    });
    const files = await refreshFiles(info.playground, chosen?.files);
    for (const event of chosen?.changes() ?? []) filesChanged(event);
    const tabs = initialTabs(info.playground, files.filter((p) => page.files.includes(p)));
    for (const path of tabs) page.post({ kind: "open", path });
  };

  connection.on("playground/files/changed", filesChanged);

  const ready = () => {
    const view = page.view;
    if (view !== null) {
      refreshFiles(view.playground).catch((error: unknown) => console.warn("could not list the files", error));
      return;
    }
    if (starting) return;
    starting = true;
    open()
      .catch((error: unknown) => startError(`Could not open a playground: ${describeError(error)}`))
      .finally(() => {
        starting = false;
        // The first tabs have taken what they could of the start-up's joins; the rest are left.
        boot.settle();
        window.setTimeout(firstShown, 2000);
      });
  };
  connection.onReady(ready);
  // The start-up's socket may be ready already (its answers too).
  if (connection.current !== null) ready();

  window.addEventListener("hashchange", () => {
    const wanted = playgroundInHash();
    if (wanted !== null && page.view !== null && wanted !== page.view.playground) location.reload();
  });

  page.post({ kind: "theme", theme: page.theme });
}
