/**
 * The page's composition root and start-up: connect, initialize, pick the playground (the one in
 * the address's `#p=`, else the first reachable, else a new one with a starter `main.py`), join its
 * files, and mount the panels. The only module that knows every panel; the panels know the
 * connection, the shared files and the page state, never each other.
 */

import "./styles.css";

import { Connection } from "./connection/connection";
import type { FilesChanged, PlaygroundInfo } from "./connection/playground";
import { describeError } from "./connection/rpc";
import { Workspace } from "./editor/workspace";
import { LspClient } from "./lsp/client";
import { registerProviders } from "./lsp/providers";
import { Page, type Theme } from "./page";
import { mountBanner } from "./panels/banner";
import { mountEditor, rememberedTabs } from "./panels/editor";
import { mountFiles } from "./panels/files";
import { mountHeader } from "./panels/header";
import { serverLessons } from "./connection/lessons";
import { mountLessons } from "./panels/lessons";
import { mountPeople, participantName } from "./panels/people";
import { mountRun } from "./panels/run";

const STARTER = `"""Welcome to the lionagi Playground.

Run this file with Run (or Ctrl/Cmd+Enter): the output appears below.
Invite someone to edit it with you from the Invite button.
"""

import asyncio

from lionagi import Branch


async def main() -> None:
    branch = Branch(system="You are a concise assistant.")
    reply = await branch.communicate("Greet a new lionagi user in one sentence.")
    print(reply)


asyncio.run(main())
`;

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

function playgroundInHash(): string | null {
  const match = /(?:^#|&)p=([^&]+)/.exec(location.hash);
  return match?.[1] === undefined ? null : decodeURIComponent(match[1]);
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

function start(): void {
  const page = new Page(initialTheme());
  const connection = new Connection(location);
  const lsp = new LspClient(connection);
  void lsp.capabilities().then((capabilities) => registerProviders(connection, lsp, capabilities));
  let workspace: Workspace | null = null;
  let starting = false;
  // Connect first: the handshake's round trips overlap with mounting the panels below (every
  // listener is registered before this task ends, long before the first answer arrives).
  connection.start();

  mountBanner(element("banner"), connection);
  const inviteSlot = mountHeader(element("header"), page, connection, () => workspace);
  mountPeople(element("people"), inviteSlot, page, connection, () => workspace);
  mountFiles(element("files"), page, connection);
  mountRun(element("run"), page, connection, () => workspace?.whenSaved(5000) ?? Promise.resolve(true));
  mountLessons(element("lessons"), page, connection, serverLessons(connection), async () => {
    const texts: Record<string, string> = {};
    for (const path of page.files) {
      const file = await workspace?.open(path);
      if (file !== undefined) texts[path] = file.session.text;
    }
    return texts;
  });
  mountSidebarTabs(page);
  const editorRoot = element("editor");
  const startError = (message: string) => {
    editorRoot.replaceChildren();
    const note = document.createElement("div");
    note.className = "panel-error start-error";
    note.dataset.testid = "start-error";
    note.textContent = message;
    editorRoot.append(note);
  };

  /** The file list, fresh (after a reconnect this also makes the socket a member again). */
  const refreshFiles = async (playground: string) => {
    const files = (await connection.api.filesList(playground)).map((f) => f.path);
    page.post({ kind: "files", paths: files });
    for (const path of workspace?.paths() ?? []) {
      if (!files.includes(path)) page.post({ kind: "closed", path });
    }
    return files;
  };

  const choose = async (): Promise<PlaygroundInfo | null> => {
    const reachable = await connection.api.list();
    const wanted = playgroundInHash();
    const found = reachable.find((p) => p.playground === wanted) ?? reachable[0];
    if (found !== undefined) return found;
    if (connection.isInvited) return null;
    const title = "My playground";
    const made = await connection.api.create(title, { "main.py": STARTER });
    return { playground: made.playground, title, created: Date.now() / 1000, role: "edit", files: made.files };
  };

  const open = async () => {
    const info = await choose();
    if (info === null) {
      startError("This invitation does not open a playground any more (it may have been revoked).");
      return;
    }
    history.replaceState(null, "", `${location.pathname}${location.search}#p=${encodeURIComponent(info.playground)}`);
    if (workspace === null) {
      workspace = new Workspace(connection, lsp, info.playground, participantName());
      mountEditor(editorRoot, page, connection, workspace);
    }
    page.post({
      kind: "playground",
      view: { playground: info.playground, title: info.title, role: info.role, owner: !connection.isInvited },
    });
    const files = await refreshFiles(info.playground);
    const remembered = rememberedTabs(info.playground);
    const tabs = (remembered?.open ?? []).filter((p) => files.includes(p));
    const first = files.includes("main.py") ? "main.py" : files[0];
    if (tabs.length === 0 && first !== undefined) tabs.push(first);
    const active = remembered?.active && tabs.includes(remembered.active) ? remembered.active : tabs[tabs.length - 1];
    for (const path of tabs) if (path !== active) page.post({ kind: "open", path });
    if (active !== undefined) page.post({ kind: "open", path: active });
  };

  connection.on("playground/files/changed", (event: FilesChanged) => {
    const view = page.view;
    if (view === null || event.playground !== view.playground) return;
    const files = page.files.filter((p) => p !== event.path);
    if (event.kind === "create") files.push(event.path);
    if (event.kind === "rename" && event.newPath !== undefined) files.push(event.newPath);
    page.post({ kind: "files", paths: files });
    if (event.kind === "delete") page.post({ kind: "closed", path: event.path });
    if (event.kind === "rename" && event.newPath !== undefined) {
      page.post({ kind: "renamed", path: event.path, newPath: event.newPath });
    }
  });

  connection.onReady(() => {
    const view = page.view;
    if (view !== null) {
      refreshFiles(view.playground).catch((error: unknown) => console.warn("could not list the files", error));
      return;
    }
    if (starting) return;
    starting = true;
    open()
      .catch((error: unknown) => startError(`Could not open a playground: ${describeError(error)}`))
      .finally(() => (starting = false));
  });

  window.addEventListener("hashchange", () => {
    const wanted = playgroundInHash();
    if (wanted !== null && page.view !== null && wanted !== page.view.playground) location.reload();
  });

  page.post({ kind: "theme", theme: page.theme });
}

start();
