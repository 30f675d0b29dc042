/**
 * Collaboration: who else is here (a participants list, in their cursor colours, with the file
 * each is in), the name the others see, and the Invite button that makes an edit or a view link.
 */

import type { Connection } from "../connection/connection";
import type { Role } from "../connection/playground";
import { describeError } from "../connection/rpc";
import type { FileParticipant, Workspace } from "../editor/workspace";
import { safeColour } from "../editor/colours";
import { h } from "../dom";
import type { Page } from "../page";
import { participantName, rememberName } from "../remembered";

export function mountPeople(
  root: HTMLElement,
  inviteSlot: HTMLElement,
  page: Page,
  connection: Connection,
  workspace: () => Workspace | null,
): void {
  const list = h("ul", { className: "participants", "data-testid": "participants" });
  const name = h("input", {
    type: "text",
    className: "name-input",
    value: participantName(),
    maxlength: 40,
    "data-testid": "your-name",
    "aria-label": "Your name, as the others see it",
    title: "Your name, as the others see it",
  });
  name.addEventListener("change", () => {
    const value = name.value.trim().slice(0, 40);
    if (value === "") return;
    rememberName(value);
    workspace()?.rename(value).catch((error: unknown) => console.warn("could not rename", describeError(error)));
  });
  root.append(h("div", { className: "panel-title" }, h("span", {}, "People")), h("label", { className: "you" }, "You: ", name), list);

  // --- invitations ----------------------------------------------------------------------
  const inviteButton = h("button", { type: "button", "data-testid": "invite", hidden: true, "aria-haspopup": "dialog" }, "Invite");
  const url = h("input", { type: "text", readonly: true, className: "invite-url", "data-testid": "invite-url", "aria-label": "Invitation link" });
  const copy = h("button", { type: "button", className: "ghost", "data-testid": "invite-copy" }, "Copy");
  const inviteError = h("div", { className: "panel-error", "data-testid": "invite-error", hidden: true });
  const make = (role: Role, label: string, testid: string) =>
    h("button", { type: "button", "data-testid": testid, onclick: () => void invite(role) }, label);
  const dialog = h("div", { className: "popover", role: "dialog", "aria-label": "Invite", "data-testid": "invite-dialog", hidden: true },
    h("p", {}, "Anyone with the link joins this playground."),
    h("div", { className: "row" }, make("edit", "Make an edit link", "invite-edit"), make("view", "Make a view link", "invite-view")),
    h("div", { className: "row" }, url, copy),
    inviteError,
  );
  inviteSlot.append(inviteButton, dialog);

  const invite = async (role: Role) => {
    const view = page.view;
    if (view === null) return;
    inviteError.hidden = true;
    try {
      const made = await connection.api.invite(view.playground, role);
      url.value = `${location.origin}/?invite=${encodeURIComponent(made.invite)}#p=${encodeURIComponent(view.playground)}`;
      url.dataset.role = role;
      url.select();
    } catch (error) {
      inviteError.hidden = false;
      inviteError.textContent = describeError(error);
    }
  };

  inviteButton.addEventListener("click", () => {
    dialog.hidden = !dialog.hidden;
  });
  document.addEventListener("click", (event) => {
    if (!dialog.hidden && !inviteSlot.contains(event.target as Node)) dialog.hidden = true;
  });
  copy.addEventListener("click", () => {
    if (url.value === "") return;
    url.select();
    navigator.clipboard?.writeText(url.value).then(
      () => (copy.textContent = "Copied"),
      () => (copy.textContent = "Select and copy"),
    );
    window.setTimeout(() => (copy.textContent = "Copy"), 1500);
  });

  // --- participants ---------------------------------------------------------------------
  const render = () => {
    const people = new Map<string, { who: FileParticipant; files: Set<string> }>();
    for (const p of workspace()?.participants() ?? []) {
      // One person joins each file with its own clientId (and colour): one row per name and role.
      const key = `${p.name}\u0000${p.role ?? ""}`;
      const entry = people.get(key) ?? { who: p, files: new Set<string>() };
      entry.files.add(p.path);
      people.set(key, entry);
    }
    const rows = [...people.values()]
      .sort((a, b) => a.who.name.localeCompare(b.who.name))
      .map(({ who, files }) =>
        h("li", { className: "participant", "data-testid": "participant", "data-name": who.name, title: [...files].join(", ") },
          h("span", { className: "dot", style: `background:${safeColour(who.colour, who.clientId)}` }),
          h("span", { className: "participant-name" }, who.name),
          who.role === "view" ? h("span", { className: "badge" }, "viewing") : null,
          h("span", { className: "participant-files" }, [...files].join(", ")),
        ),
      );
    list.replaceChildren(...(rows.length > 0 ? rows : [h("li", { className: "muted", "data-testid": "participants-empty" }, "Nobody else is here yet.")]));
  };

  let subscribed: Workspace | null = null;
  page.on((event) => {
    if (event.kind !== "playground") return;
    inviteButton.hidden = !event.view.owner;
    const current = workspace();
    if (current !== null && current !== subscribed) {
      subscribed = current;
      current.onEvent((e) => {
        if (e.kind === "presence") render();
      });
    }
    render();
  });
  render();
}
