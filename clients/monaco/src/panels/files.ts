/**
 * The file manager: the playground's files as a tree (folders are path prefixes), with new,
 * rename and delete. Names are the server's to judge: a refused one is shown with its reason.
 */

import type { Connection } from "../connection/connection";
import { describeError } from "../connection/rpc";
import { h } from "../dom";
import type { Page } from "../page";

interface Folder {
  readonly name: string;
  readonly path: string;
  readonly folders: Map<string, Folder>;
  readonly files: string[];
}

function tree(paths: readonly string[]): Folder {
  const root: Folder = { name: "", path: "", folders: new Map(), files: [] };
  for (const path of paths) {
    const parts = path.split("/");
    let folder = root;
    for (const part of parts.slice(0, -1)) {
      let next = folder.folders.get(part);
      if (next === undefined) {
        next = { name: part, path: `${folder.path}${part}/`, folders: new Map(), files: [] };
        folder.folders.set(part, next);
      }
      folder = next;
    }
    folder.files.push(path);
  }
  return root;
}

export function mountFiles(root: HTMLElement, page: Page, connection: Connection): void {
  const list = h("ul", { className: "file-tree", "data-testid": "file-list", role: "tree" });
  const error = h("div", { className: "panel-error", "data-testid": "files-error", role: "alert", hidden: true });
  const form = h("form", { className: "file-form", hidden: true });
  const input = h("input", {
    type: "text",
    className: "file-input",
    "data-testid": "file-name-input",
    spellcheck: "false",
    autocomplete: "off",
    "aria-label": "File name",
  });
  const cancel = h("button", { type: "button", className: "ghost", "data-testid": "file-cancel" }, "Cancel");
  form.append(input, h("button", { type: "submit", "data-testid": "file-submit" }, "OK"), cancel);
  const newFile = h("button", { type: "button", title: "New file", "data-testid": "file-new" }, "+ File");
  const newFolder = h("button", { type: "button", title: "New folder", "data-testid": "file-new-folder" }, "+ Folder");
  const actions = h("div", { className: "panel-actions" }, newFile, newFolder);
  root.append(h("div", { className: "panel-title" }, h("span", {}, "Files"), actions), form, error, list);

  const collapsed = new Set<string>();
  /** What the form does on submit: create, or rename `from`. */
  let formAction: { kind: "create" } | { kind: "rename"; from: string } = { kind: "create" };

  const showError = (message: string | null) => {
    error.hidden = message === null;
    error.textContent = message ?? "";
  };

  const playground = () => page.view?.playground ?? "";

  const openForm = (action: typeof formAction, value: string, hint: string) => {
    formAction = action;
    form.hidden = false;
    input.value = value;
    input.placeholder = hint;
    input.focus();
    const dot = value.lastIndexOf(".");
    const slash = value.lastIndexOf("/") + 1;
    input.setSelectionRange(slash, action.kind === "rename" && dot > slash ? dot : value.length);
  };

  const closeForm = () => {
    form.hidden = true;
    input.value = "";
  };

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const name = input.value.trim();
    if (name === "" || name.endsWith("/")) {
      showError("Give the file a name (folders are made by the files in them: folder/name.py).");
      return;
    }
    const action = formAction;
    const request =
      action.kind === "create"
        ? connection.api.filesCreate(playground(), name, "")
        : connection.api.filesRename(playground(), action.from, name);
    request.then(
      () => {
        showError(null);
        closeForm();
        page.post({ kind: "open", path: name });
      },
      (err: unknown) => showError(describeError(err)),
    );
  });
  cancel.addEventListener("click", () => {
    closeForm();
    showError(null);
  });
  input.addEventListener("keydown", (event) => {
    if (event.key === "Escape") cancel.click();
  });

  newFile.addEventListener("click", () => openForm({ kind: "create" }, "", "name.py or folder/name.py"));
  newFolder.addEventListener("click", () => openForm({ kind: "create" }, "folder/", "folder/name.py"));

  const remove = (path: string, row: HTMLElement) => {
    const confirmRow = h("div", { className: "confirm", "data-testid": "file-delete-confirm" },
      h("span", {}, `Delete ${path}?`),
      h("button", {
        type: "button",
        className: "danger",
        "data-testid": "file-delete-yes",
        onclick: () => {
          connection.api.filesDelete(playground(), path).then(
            () => showError(null),
            (err: unknown) => showError(describeError(err)),
          );
          confirmRow.remove();
        },
      }, "Delete"),
      h("button", { type: "button", className: "ghost", onclick: () => confirmRow.remove() }, "Keep"),
    );
    row.after(confirmRow);
  };

  const fileRow = (path: string, depth: number): HTMLElement => {
    const name = path.slice(path.lastIndexOf("/") + 1);
    const row = h("li", {
      className: `file${page.active === path ? " active" : ""}`,
      role: "treeitem",
      "data-testid": "file",
      "data-path": path,
      style: `padding-left:${0.6 + depth * 0.9}rem`,
      title: path,
    });
    const label = h("button", { type: "button", className: "file-name", onclick: () => page.post({ kind: "open", path }) }, name);
    row.append(label);
    if (page.canEdit) {
      row.append(
        h("span", { className: "row-actions" },
          h("button", {
            type: "button",
            className: "icon",
            title: `Rename ${path}`,
            "aria-label": `Rename ${path}`,
            "data-testid": "file-rename",
            onclick: () => openForm({ kind: "rename", from: path }, path, "new/path.py"),
          }, "✎"),
          h("button", {
            type: "button",
            className: "icon",
            title: `Delete ${path}`,
            "aria-label": `Delete ${path}`,
            "data-testid": "file-delete",
            onclick: () => remove(path, row),
          }, "✕"),
        ),
      );
    }
    return row;
  };

  const folderRows = (folder: Folder, depth: number): HTMLElement[] => {
    const rows: HTMLElement[] = [];
    for (const sub of [...folder.folders.values()].sort((a, b) => a.name.localeCompare(b.name))) {
      const closed = collapsed.has(sub.path);
      const row = h("li", {
        className: "folder",
        role: "treeitem",
        "aria-expanded": String(!closed),
        "data-testid": "folder",
        "data-path": sub.path,
        style: `padding-left:${0.6 + depth * 0.9}rem`,
      },
        h("button", {
          type: "button",
          className: "file-name",
          onclick: () => {
            if (closed) collapsed.delete(sub.path);
            else collapsed.add(sub.path);
            render();
          },
        }, `${closed ? "▸" : "▾"} ${sub.name}/`),
      );
      if (page.canEdit) {
        row.append(h("span", { className: "row-actions" },
          h("button", {
            type: "button",
            className: "icon",
            title: `New file in ${sub.path}`,
            "data-testid": "folder-new-file",
            onclick: () => openForm({ kind: "create" }, sub.path, `${sub.path}name.py`),
          }, "+"),
        ));
      }
      rows.push(row);
      if (!closed) rows.push(...folderRows(sub, depth + 1));
    }
    for (const path of [...folder.files].sort()) rows.push(fileRow(path, depth));
    return rows;
  };

  const render = () => {
    list.replaceChildren(...folderRows(tree(page.files), 0));
    actions.hidden = !page.canEdit;
  };

  page.on((event) => {
    if (event.kind === "files" || event.kind === "active" || event.kind === "playground") render();
  });
  render();
}
