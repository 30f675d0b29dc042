/**
 * The Model control in the run toolbar: an OpenAI API key for runs with the real model, and
 * Record (docs/trace.md, "Recording and replay").
 *
 * The key is kept in this tab only (its memory and sessionStorage, so a reload keeps it; never
 * localStorage, never the address): a shared run started here carries it as
 * `keys: {OPENAI_API_KEY}` with `limits.network: true`, which a server started with
 * `--allow-network` grants. Record adds `record: true`: the server then sends
 * `playground/recording {runId, path, text}` before the run's exit, and the page saves that
 * text as the playground's file at `path` (beside the entry), through the same create (or, when
 * the file is there already, shared edit) the file manager uses, and says so in the console.
 * A later run without a key replays it with no network.
 */

import type { Connection } from "../connection/connection";
import type { RunOptions, RunRecording } from "../connection/playground";
import { describeError } from "../connection/rpc";
import { h } from "../dom";
import type { Page } from "../page";

export const KEY_NAME = "OPENAI_API_KEY";
const STORED_KEY = "playground-model-key";
const STORED_RECORD = "playground-model-record";
const MAX_KEY = 512;

export interface ModelControl {
  /** What the next shared run started here carries. */
  options(): RunOptions;
}

/** Saves `text` as the playground's file at `path`: "created", or "updated" when it was there. */
export type SaveFile = (path: string, text: string) => Promise<"created" | "updated">;

function stored(name: string): string {
  try {
    return sessionStorage.getItem(name) ?? "";
  } catch {
    return "";
  }
}

function store(name: string, value: string): void {
  try {
    if (value === "") sessionStorage.removeItem(name);
    else sessionStorage.setItem(name, value);
  } catch {
    // storage refused: the memory copy is enough
  }
}

/** Why a key cannot be sent, or null (printable ASCII, at most 512 characters: the server's rule). */
export function keyProblem(key: string): string | null {
  if (key.length > MAX_KEY) return `A key is at most ${MAX_KEY} characters.`;
  if (!/^[\x21-\x7e]*$/.test(key)) return "A key is printable ASCII without spaces.";
  return null;
}

export function mountModel(slot: HTMLElement, page: Page, connection: Connection, saveFile: SaveFile): ModelControl {
  let key = stored(STORED_KEY).trim();
  if (keyProblem(key) !== null) key = "";
  let record = stored(STORED_RECORD) === "1";

  const button = h("button", {
    type: "button",
    className: "ghost model-toggle",
    "data-testid": "model-toggle",
    "aria-haspopup": "dialog",
    "aria-expanded": "false",
    title: "The model runs use: the offline model, or the real one with your API key",
  });
  const input = h("input", {
    type: "password",
    className: "model-key",
    "data-testid": "model-key",
    placeholder: "sk-…",
    autocomplete: "off",
    spellcheck: "false",
    "aria-label": "OpenAI API key",
  });
  input.value = key;
  const forget = h("button", { type: "button", className: "ghost", "data-testid": "model-key-clear" }, "Forget");
  const recordBox = h("input", { type: "checkbox", "data-testid": "model-record" });
  const recordHint = h("span", { className: "muted" });
  const error = h("div", { className: "panel-error", "data-testid": "model-error", role: "alert", hidden: true });
  const saved = h("div", { className: "model-saved", "data-testid": "recording-status", role: "status" });
  const dialog = h("div", { className: "popover model-dialog", "data-testid": "model-dialog", role: "dialog", "aria-label": "Model", hidden: true },
    h("label", { className: "model-label" }, "OpenAI API key"),
    h("div", { className: "row" }, input, forget),
    h("p", { className: "muted small" },
      "Kept in this tab only (never saved to disk or put in the address) and sent with the runs you start here, " +
      "which then reach the real model: the server must be started with --allow-network. Without a key, runs use the offline model " +
      "(or replay a recording beside the file)."),
    h("label", { className: "model-record" }, recordBox, " Record the model calls", recordHint),
    error,
    saved,
  );
  const box = h("span", { className: "header-slot model" }, button, dialog);
  slot.append(box);

  /** Runs started here with record on, whose recording this page saves. */
  const recording = new Set<string>();
  /** Recordings that came before their run was known here (kept briefly). */
  const early = new Map<string, RunRecording>();

  const refresh = () => {
    const problem = keyProblem(key);
    const on = key !== "" && problem === null;
    button.dataset.state = on ? (record ? "record" : "key") : "offline";
    button.textContent = on ? (record ? "● Model: real, recording" : "Model: real") : "Model: offline";
    recordBox.checked = record && on;
    recordBox.disabled = !on;
    recordHint.textContent = on ? " (saved beside the file as <name>.recording.json)" : " (needs a key)";
    error.hidden = problem === null;
    error.textContent = problem ?? "";
  };

  const setOpen = (open: boolean) => {
    dialog.hidden = !open;
    button.setAttribute("aria-expanded", String(open));
    if (open) input.focus();
  };

  button.addEventListener("click", () => setOpen(dialog.hidden));
  dialog.addEventListener("keydown", (event) => {
    if (event.key === "Escape") {
      setOpen(false);
      button.focus();
    }
  });
  document.addEventListener("mousedown", (event) => {
    if (!dialog.hidden && !box.contains(event.target as Node)) setOpen(false);
  });
  input.addEventListener("input", () => {
    key = input.value.trim();
    store(STORED_KEY, keyProblem(key) === null ? key : "");
    refresh();
  });
  forget.addEventListener("click", () => {
    key = "";
    input.value = "";
    store(STORED_KEY, "");
    refresh();
  });
  recordBox.addEventListener("change", () => {
    record = recordBox.checked;
    store(STORED_RECORD, record ? "1" : "");
    refresh();
  });

  const save = async (r: RunRecording) => {
    recording.delete(r.runId);
    const size = r.text.length;
    try {
      const how = await saveFile(r.path, r.text);
      const message = `● Recording ${how === "created" ? "saved" : "updated"}: ${r.path} (${size.toLocaleString("en")} characters). ` +
        "Runs without a key now replay it, offline.";
      saved.textContent = message;
      saved.dataset.path = r.path;
      page.post({ kind: "note", text: message, tone: "green" });
    } catch (err) {
      const message = `The recording could not be saved as ${r.path}: ${describeError(err)}`;
      saved.textContent = message;
      page.post({ kind: "note", text: message, tone: "red" });
    }
  };

  connection.on("playground/recording", (r) => {
    if (r === null || typeof r !== "object" || typeof r.path !== "string" || typeof r.text !== "string") return;
    if (recording.has(r.runId)) void save(r);
    else {
      // Someone else's run (they save it), or ours before its start is known here.
      early.clear();
      early.set(r.runId, r);
    }
  });
  page.on((event) => {
    if (event.kind !== "runBegan" || !event.own) return;
    if (!(record && key !== "" && keyProblem(key) === null)) return;
    recording.add(event.runId);
    const r = early.get(event.runId);
    early.delete(event.runId);
    if (r !== undefined) void save(r);
  });

  refresh();
  return {
    options: () => {
      if (key === "" || keyProblem(key) !== null) return {};
      return { keys: { [KEY_NAME]: key }, record };
    },
  };
}
