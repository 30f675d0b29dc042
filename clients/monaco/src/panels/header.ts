/**
 * The header: the playground's title and the reader's role, whether every edit is saved (durable
 * on the server), and the theme switch. Ctrl/Cmd+S lands here: there is nothing to save by hand,
 * so it says so.
 */

import type { Connection, ConnectionState } from "../connection/connection";
import type { Workspace } from "../editor/workspace";
import { h } from "../dom";
import type { Page, Theme } from "../page";

export function mountHeader(root: HTMLElement, page: Page, connection: Connection, workspace: () => Workspace | null): HTMLElement {
  const title = h("span", { className: "playground-title", "data-testid": "playground-title" }, "…");
  const role = h("span", { className: "badge", "data-testid": "role", hidden: true }, "view only");
  const saved = h("span", { className: "save-status", "data-testid": "save-status", "data-state": "saved", role: "status" }, "Saved");
  const theme = h("button", { type: "button", className: "ghost", "data-testid": "theme-toggle", title: "Switch between dark and light" });
  const slot = h("span", { className: "header-slot" });
  root.append(
    h("span", { className: "brand" }, "lionagi Playground"),
    title,
    role,
    h("span", { className: "spacer" }),
    saved,
    slot,
    theme,
  );

  let state: ConnectionState = connection.state;
  let flashUntil = 0;

  const renderSaved = () => {
    const pending = workspace()?.pending() ?? false;
    let kind: string;
    let text: string;
    if (state.kind !== "ready") {
      kind = pending ? "offline-pending" : "offline";
      text = pending ? "Offline · edits kept, sent on reconnect" : "Offline";
    } else if (pending) {
      kind = "saving";
      text = "Saving…";
    } else {
      kind = "saved";
      text = Date.now() < flashUntil ? "Saved · everything saves as you type" : "Saved";
    }
    saved.dataset.state = kind;
    saved.textContent = text;
  };

  const renderTheme = (value: Theme) => {
    document.documentElement.dataset.theme = value;
    theme.textContent = value === "dark" ? "☀ Light" : "☾ Dark";
  };

  theme.addEventListener("click", () => {
    const next: Theme = page.theme === "dark" ? "light" : "dark";
    try {
      localStorage.setItem("playground-theme", next);
    } catch {
      // not remembered
    }
    page.post({ kind: "theme", theme: next });
  });

  // Ctrl/Cmd+S and +Enter anywhere on the page (the editor and the terminal handle their own).
  window.addEventListener("keydown", (event) => {
    if (!(event.ctrlKey || event.metaKey) || event.defaultPrevented) return;
    if (event.key === "s" || event.key === "S") {
      event.preventDefault();
      page.post({ kind: "save" });
    } else if (event.key === "Enter") {
      event.preventDefault();
      page.post({ kind: "run" });
    }
  });

  connection.onState((s) => {
    state = s;
    renderSaved();
  });

  let subscribed: Workspace | null = null;
  page.on((event) => {
    if (event.kind === "playground") {
      title.textContent = event.view.title;
      document.title = `${event.view.title} · lionagi Playground`;
      role.hidden = event.view.role !== "view";
      const current = workspace();
      if (current !== null && current !== subscribed) {
        subscribed = current;
        current.onEvent((e) => {
          if (e.kind === "saved") renderSaved();
        });
      }
    } else if (event.kind === "save") {
      flashUntil = Date.now() + 2500;
      renderSaved();
      saved.classList.remove("flash");
      void saved.offsetWidth;
      saved.classList.add("flash");
      window.setTimeout(renderSaved, 2600);
    } else if (event.kind === "theme") {
      renderTheme(event.theme);
    }
  });

  renderTheme(page.theme);
  renderSaved();
  return slot;
}
