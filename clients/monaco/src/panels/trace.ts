/**
 * The Trace panel: what a lionagi program did, live, from `playground/trace {runId, events}`
 * (docs/trace.md). One row per message or call (an operation, a model call, a tool call: a
 * `*_start` and its `*_end` are one row), nested under the span it happened in, each with its
 * branch's colour and chip, and a bar on the run's time axis. The header has the run's token
 * total, its calls, errors and branches (a chip filters the rows to one branch); a row clicked
 * shows its full content in the detail pane; Download JSON saves the server's copy.
 *
 * It shows the run the run panel shows (`runBegan`, one's own or a shared run someone else
 * started): every participant receives the same notifications. A new run clears it.
 *
 * Fast with thousands of events: each notification's events become rows in one pass (no layout
 * read between inserts); bars are placed by CSS from custom properties against the axis's
 * `--t0` and `--span` on the list, and the axis grows in steps (1, 2, 5 x 10^n ms: a handful of
 * times in a run, each a restyle of every row) and fits the run exactly at its exit; a span
 * still open is drawn from its start to the axis's end, fading (nothing to update per batch,
 * however many run at once); rows off screen are not laid out (`content-visibility`), and at
 * most MAX_ROWS rows are drawn.
 */

import type { Connection } from "../connection/connection";
import type { TraceEvent } from "../connection/playground";
import { describeError } from "../connection/rpc";
import { fill, h } from "../dom";
import type { Page } from "../page";

/** Rows drawn at most; past it the events still count (tokens, calls) and Download has them. */
export const MAX_ROWS = 2000;
/** Rows per block the browser skips as a whole while off screen. */
const BLOCK_ROWS = 40;
/** Events kept per run the page has not begun to show yet (its notifications came first). */
const EARLY_EVENTS = 6000;
const EARLY_RUNS = 4;
const PREVIEW = 160;

const BRANCH_COLOURS = ["#4e9af1", "#e5a03c", "#4fc08d", "#d66fd0", "#e06c6c", "#3fbfcf", "#b9a04a", "#8f8cf0"];

const MESSAGE_KINDS: Record<string, { icon: string; label: string }> = {
  system: { icon: "⚑", label: "system" },
  instruction: { icon: "›", label: "instruction" },
  assistant: { icon: "‹", label: "assistant" },
  action_request: { icon: "⇢", label: "action request" },
  action_response: { icon: "⇠", label: "action response" },
};

type RowKind = "operation" | "model" | "tool" | "message" | "error" | "truncated";

const SPAN_KINDS: Record<string, RowKind> = { operation: "operation", model: "model", tool: "tool" };

interface Branch {
  readonly key: string;
  readonly name: string;
  readonly colour: string;
  rows: number;
  chip: HTMLElement;
  count: HTMLElement;
}

interface Row {
  readonly kind: RowKind;
  /** The `*_start` (or the event itself for a message); for a span whose start was lost, its end. */
  readonly first: TraceEvent;
  end: TraceEvent | null;
  readonly parent: Row | null;
  readonly depth: number;
  readonly branch: Branch | null;
  readonly startMs: number;
  /** The last row drawn in this row's subtree (itself at first): where a new child goes. */
  lastDescendant: Row;
  element: HTMLElement | null;
  figures: HTMLElement | null;
  summary: HTMLElement | null;
}

interface Totals {
  events: number;
  tokensIn: number;
  tokensOut: number;
  models: number;
  tools: number;
  errors: number;
}

function isEvent(value: unknown): value is TraceEvent {
  if (typeof value !== "object" || value === null) return false;
  const event = value as { kind?: unknown; timeMs?: unknown };
  return typeof event.kind === "string" && typeof event.timeMs === "number" && Number.isFinite(event.timeMs);
}

function oneLine(text: string | undefined, limit = PREVIEW): string {
  if (text === undefined) return "";
  const flat = text.replace(/\s+/g, " ").trim();
  return flat.length > limit ? `${flat.slice(0, limit - 1)}…` : flat;
}

export function formatMs(ms: number): string {
  if (ms < 10) return `${ms.toFixed(1)} ms`;
  if (ms < 1000) return `${Math.round(ms)} ms`;
  return `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
}

function count(n: number): string {
  return n.toLocaleString("en");
}

/** The axis's length for a run `needed` ms long so far: 1, 2 or 5 x 10^n ms, at least `current`. */
export function axisSpan(needed: number, current: number): number {
  if (needed <= current) return current;
  let step = 1;
  while (step < needed) step *= step.toString().startsWith("2") ? 2.5 : 2;
  return step;
}

/** A run id as a file name's part. */
function safeName(runId: string): string {
  return runId.replace(/[^A-Za-z0-9_.-]/g, "_").slice(0, 80) || "run";
}

/** JSON shown indented when it is whole JSON; anything else as it came. */
function pretty(text: string, cut: boolean): string {
  if (cut) return text;
  const trimmed = text.trim();
  if (!(trimmed.startsWith("{") || trimmed.startsWith("["))) return text;
  try {
    return JSON.stringify(JSON.parse(trimmed), null, 2);
  } catch {
    return text;
  }
}

export interface TraceTab {
  /** The tab's count of events and error mark. */
  readonly badge: HTMLElement;
}

export function mountTrace(root: HTMLElement, page: Page, connection: Connection): TraceTab {
  const badge = h("span", { className: "trace-badge", "data-testid": "trace-tab-count" });
  const runLabel = h("span", { className: "trace-run", "data-testid": "trace-run" });
  const tokens = h("span", { className: "trace-tokens", "data-testid": "trace-tokens", title: "Tokens of the run's model calls (where known)" });
  const calls = h("span", { className: "trace-calls", "data-testid": "trace-calls" });
  const errors = h("span", { className: "trace-errors", "data-testid": "trace-errors", hidden: true });
  const branchesBox = h("span", { className: "trace-branches", "data-testid": "trace-branches" });
  const download = h("button", {
    type: "button",
    className: "ghost",
    "data-testid": "trace-download",
    title: "The run's whole trace as the server keeps it, as a JSON file",
    disabled: true,
  }, "Download JSON");
  const header = h("div", { className: "trace-header" },
    h("span", { className: "trace-title" }, "Trace"), runLabel, tokens, calls, errors, branchesBox, download);
  const truncated = h("div", { className: "trace-notice", "data-testid": "trace-truncated", role: "status", hidden: true });
  const capped = h("div", { className: "trace-notice", "data-testid": "trace-cap", hidden: true });
  const problem = h("div", { className: "panel-error", "data-testid": "trace-error", role: "alert", hidden: true });
  const empty = h("div", { className: "trace-empty", "data-testid": "trace-empty" },
    "No trace yet. Run a program that uses lionagi: its messages, model calls and tool calls appear here as they happen.");
  const list = h("div", { className: "trace-rows", "data-testid": "trace-rows", role: "tree", "aria-label": "The run's trace" });
  const axisEnd = h("span", { "data-testid": "trace-axis-end" });
  const axis = h("div", { className: "trace-axis", "aria-hidden": "true" },
    h("span", {}, "what"), h("span", {}, "branch"), h("span", { className: "trace-figures" }, "tokens · time"),
    h("span", { className: "trace-axis-scale" }, h("span", {}, "0"), axisEnd));
  const scroller = h("div", { className: "trace-scroll" }, empty, axis, list);
  const detail = h("aside", { className: "trace-detail", "data-testid": "trace-detail", hidden: true, "aria-live": "polite" });
  const main = h("div", { className: "trace-main" }, scroller, detail);
  root.append(header, truncated, capped, problem, main);

  let runId: string | null = null;
  let entry = "";
  let ended = false;
  let rows: Row[] = [];
  let drawn = 0;
  let spans = new Map<string, Row>();
  let branches = new Map<string, Branch>();
  let received: TraceEvent[] = [];
  let totals: Totals = { events: 0, tokensIn: 0, tokensOut: 0, models: 0, tools: 0, errors: 0 };
  let t0: number | null = null;
  let tEnd = 0;
  /** The axis's length in ms (`--span`): grows in steps while the run goes on, fits at its exit. */
  let span = 0;
  let selected: Row | null = null;
  let filter: string | null = null;
  const early = new Map<string, TraceEvent[]>();
  const elementRows = new WeakMap<Element, Row>();

  const setProblem = (message: string | null) => {
    problem.hidden = message === null;
    problem.textContent = message ?? "";
  };

  const branchOf = (event: TraceEvent, parent: Row | null): Branch | null => {
    const b = event.branch;
    if (b === undefined || typeof b.id !== "string") return parent?.branch ?? null;
    let branch = branches.get(b.id);
    if (branch === undefined) {
      const name = typeof b.name === "string" && b.name !== "" ? b.name : `branch ${b.id.slice(0, 6)}`;
      const colour = BRANCH_COLOURS[branches.size % BRANCH_COLOURS.length] ?? "#888";
      const countEl = h("span", { className: "trace-branch-count" });
      const chip = h("button", {
        type: "button",
        className: "trace-branch",
        "data-testid": "trace-branch",
        "data-name": name,
        "data-id": b.id,
        title: `Show only ${name}'s rows (again to show all)`,
        "aria-pressed": "false",
        style: `--branch:${colour}`,
      }, h("span", { className: "trace-dot" }), name, countEl);
      const made: Branch = { key: b.id, name, colour, rows: 0, chip, count: countEl };
      chip.addEventListener("click", () => setFilter(filter === made.key ? null : made.key));
      branches.set(b.id, made);
      branchesBox.append(chip);
      branch = made;
    }
    return branch;
  };

  const label = (row: Row): { icon: string; name: string } => {
    const e = row.first;
    switch (row.kind) {
      case "operation":
        return { icon: "◆", name: e.operation ?? row.end?.operation ?? "operation" };
      case "model":
        return { icon: "✦", name: `model ${e.model ?? row.end?.model ?? ""}`.trim() };
      case "tool":
        return { icon: "⚙", name: `tool ${e.tool ?? row.end?.tool ?? ""}`.trim() };
      case "error":
        return { icon: "✖", name: "error" };
      case "truncated":
        return { icon: "⋯", name: "trace truncated" };
      default:
        return MESSAGE_KINDS[e.kind] !== undefined
          ? { icon: MESSAGE_KINDS[e.kind]!.icon, name: MESSAGE_KINDS[e.kind]!.label }
          : { icon: "•", name: e.kind };
    }
  };

  const summaryText = (row: Row): string => {
    const end = row.end;
    switch (row.kind) {
      case "operation":
        return end?.status === "error" && end.content !== undefined ? oneLine(end.content) : "";
      case "model": {
        const by = end?.answeredBy;
        const provider = row.first.provider ?? end?.provider;
        return [provider, by === undefined ? undefined : `answered by ${by}`].filter((x) => x !== undefined).join(" · ");
      }
      case "tool": {
        const args = row.first === end ? undefined : row.first.content;
        const result = end?.content;
        return `${args === undefined ? "" : `(${oneLine(args, 70)})`}${result === undefined ? "" : ` → ${oneLine(result, 80)}`}`;
      }
      case "truncated":
        return "its bound was reached; the run goes on";
      default:
        return oneLine(row.first.content);
    }
  };

  const figuresText = (row: Row): string => {
    const end = row.end;
    const parts: string[] = [];
    if (row.kind === "model" && end !== null && (end.tokensIn !== undefined || end.tokensOut !== undefined)) {
      parts.push(`${end.tokensIn ?? "?"} → ${end.tokensOut ?? "?"} tok`);
    }
    if (end !== null && typeof end.durationMs === "number") parts.push(formatMs(end.durationMs));
    else if (row.kind === "operation" || row.kind === "model" || row.kind === "tool") parts.push(ended ? "unfinished" : "…");
    return parts.join(" · ");
  };

  const statusOf = (row: Row): string => {
    if (row.kind === "error") return "error";
    if (row.end === null) return row.kind === "operation" || row.kind === "model" || row.kind === "tool" ? "open" : "ok";
    return row.end.status === "error" ? "error" : "ok";
  };

  const placeBar = (row: Row) => {
    const element = row.element;
    if (element === null) return;
    const end = row.end;
    const duration = end !== null && typeof end.durationMs === "number" ? end.durationMs : null;
    element.style.setProperty("--d", String(duration ?? 0));
  };

  const refreshRow = (row: Row) => {
    const element = row.element;
    if (element === null) return;
    const status = statusOf(row);
    element.dataset.status = status;
    element.classList.toggle("open", status === "open" && !ended);
    element.classList.toggle("failed", status === "error");
    if (row.figures !== null) row.figures.textContent = figuresText(row);
    if (row.summary !== null) row.summary.textContent = summaryText(row);
    placeBar(row);
  };

  const draw = (row: Row): HTMLElement => {
    const { icon, name } = label(row);
    const summary = h("span", { className: "trace-summary" });
    const figures = h("span", { className: "trace-figures" });
    const chip = row.branch === null
      ? h("span", { className: "trace-chip none" })
      : h("span", { className: "trace-chip", title: row.branch.name }, row.branch.name);
    const element = h("div", {
      className: `trace-row kind-${row.kind}`,
      role: "treeitem",
      tabindex: "-1",
      "aria-level": row.depth + 1,
      "data-testid": "trace-row",
      "data-kind": row.first.kind.replace(/_(start|end)$/, ""),
      "data-seq": row.first.seq,
      "data-depth": row.depth,
      "data-branch": row.branch?.name,
      "data-name": name,
    },
      h("span", { className: "trace-label" },
        h("span", { className: "trace-icon", "aria-hidden": "true" }, icon),
        h("span", { className: "trace-name" }, name),
        summary),
      chip,
      figures,
      h("span", { className: "trace-track" }, h("span", { className: "trace-bar" })),
    );
    element.style.setProperty("--depth", String(row.depth));
    element.style.setProperty("--s", String(row.startMs));
    if (row.branch !== null) element.style.setProperty("--branch", row.branch.colour);
    if (filter !== null && row.branch !== null && row.branch.key !== filter) element.hidden = true;
    row.element = element;
    row.summary = summary;
    row.figures = figures;
    elementRows.set(element, row);
    refreshRow(row);
    return element;
  };

  /**
   * Rows go in blocks of about BLOCK_ROWS, each skipped by the browser while off screen
   * (`content-visibility: auto` on the block: one visibility check per block per frame, not per
   * row), its size guessed from its rows until it has been drawn once.
   */
  const blockFor = (): HTMLElement => {
    const last = list.lastElementChild as HTMLElement | null;
    if (last !== null && last.childElementCount < BLOCK_ROWS) return last;
    const block = h("div", { className: "trace-block", role: "none" });
    list.append(block);
    return block;
  };

  const sized = new Set<HTMLElement>();
  const guessSizes = () => {
    for (const block of sized) block.style.setProperty("--rows", String(block.childElementCount));
    sized.clear();
  };

  /** Puts a new row's element in tree order: after its parent's last drawn descendant. */
  const insert = (row: Row) => {
    if (drawn >= MAX_ROWS) return;
    const parent = row.parent;
    if (parent !== null && parent.element === null) return;
    const element = draw(row);
    drawn += 1;
    if (row.branch !== null) row.branch.rows += 1;
    if (parent === null) {
      blockFor().append(element);
    } else {
      const anchor = parent.lastDescendant;
      (anchor.element ?? parent.element)?.after(element);
      for (let a: Row | null = parent; a !== null && a.lastDescendant === anchor; a = a.parent) a.lastDescendant = row;
    }
    if (element.parentElement !== null) sized.add(element.parentElement);
  };

  const newRow = (kind: RowKind, first: TraceEvent, end: TraceEvent | null): Row => {
    const parent = first.parent !== undefined ? spans.get(first.parent) ?? null : null;
    const startMs = end !== null && first === end && typeof end.durationMs === "number" ? end.timeMs - end.durationMs : first.timeMs;
    const row: Row = {
      kind,
      first,
      end,
      parent,
      depth: parent === null ? 0 : parent.depth + 1,
      branch: branchOf(first, parent),
      startMs,
      lastDescendant: null as unknown as Row,
      element: null,
      figures: null,
      summary: null,
    };
    row.lastDescendant = row;
    rows.push(row);
    if (t0 === null || startMs < t0) t0 = startMs;
    insert(row);
    return row;
  };

  const take = (event: TraceEvent) => {
    received.push(event);
    totals.events += 1;
    tEnd = Math.max(tEnd, event.timeMs);
    const match = /^(operation|model|tool)_(start|end)$/.exec(event.kind);
    if (match !== null) {
      const kind = SPAN_KINDS[match[1] ?? ""] ?? "operation";
      if (match[2] === "start") {
        const row = newRow(kind, event, null);
        if (event.span !== undefined) spans.set(event.span, row);
      } else {
        const open = event.span !== undefined ? spans.get(event.span) : undefined;
        if (open !== undefined && open.kind === kind && open.end === null) {
          open.end = event;
          refreshRow(open);
          if (open === selected) showDetail(open);
        } else {
          newRow(kind, event, event);
        }
        if (kind === "model") {
          totals.models += 1;
          totals.tokensIn += typeof event.tokensIn === "number" ? event.tokensIn : 0;
          totals.tokensOut += typeof event.tokensOut === "number" ? event.tokensOut : 0;
        }
        if (kind === "tool") totals.tools += 1;
        if (event.status === "error") totals.errors += 1;
      }
    } else if (event.kind === "error") {
      totals.errors += 1;
      newRow("error", event, null);
    } else if (event.kind === "truncated") {
      truncated.hidden = false;
      truncated.textContent = `The trace stops at event ${count(totals.events)}: its bound was reached (the run goes on). ${oneLine(event.content)}`.trim();
      newRow("truncated", event, null);
    } else {
      newRow("message", event, null);
    }
  };

  const refreshHeader = () => {
    const total = totals.tokensIn + totals.tokensOut;
    tokens.textContent = `Tokens ${count(total)} (${count(totals.tokensIn)} in · ${count(totals.tokensOut)} out)`;
    tokens.dataset.in = String(totals.tokensIn);
    tokens.dataset.out = String(totals.tokensOut);
    tokens.dataset.total = String(total);
    calls.textContent = `${count(totals.models)} model call${totals.models === 1 ? "" : "s"} · ${count(totals.tools)} tool call${totals.tools === 1 ? "" : "s"} · ${count(totals.events)} events`;
    errors.hidden = totals.errors === 0;
    errors.textContent = `${count(totals.errors)} error${totals.errors === 1 ? "" : "s"}`;
    for (const branch of branches.values()) branch.count.textContent = String(branch.rows);
    badge.textContent = totals.events === 0 ? "" : count(totals.events);
    badge.classList.toggle("failed", totals.errors > 0);
    const start = t0 ?? 0;
    const wanted = ended ? Math.max(tEnd - start, 1) : axisSpan(tEnd - start, span);
    if (list.style.getPropertyValue("--t0") !== String(start)) list.style.setProperty("--t0", String(start));
    if (wanted !== span) {
      span = wanted;
      list.style.setProperty("--span", String(span));
      axisEnd.textContent = formatMs(span);
    }
    capped.hidden = rows.length <= drawn;
    capped.textContent = `Showing the first ${count(drawn)} of ${count(rows.length)} rows; Download JSON has every event.`;
    empty.hidden = rows.length > 0;
    axis.hidden = rows.length === 0;
    if (rows.length === 0 && runId !== null) {
      empty.textContent = ended
        ? `${entry} made no lionagi trace (no Branch or Session calls).`
        : `Waiting for the trace of ${entry}…`;
    }
  };

  /** The list follows new rows while scrolled to its end (what a scroll there says, no layout read). */
  let following = true;
  let followFrame = 0;
  scroller.addEventListener("scroll", () => {
    following = scroller.scrollTop + scroller.clientHeight >= scroller.scrollHeight - 8;
  }, { passive: true });

  /** Events of the run in front, all of one notification at once. */
  const takeAll = (events: readonly unknown[]) => {
    const before = drawn;
    for (const event of events) if (isEvent(event)) take(event);
    guessSizes();
    refreshHeader();
    // Scrolled in the next frame, after the layout the browser makes for it anyway.
    if (following && drawn !== before && followFrame === 0) {
      followFrame = requestAnimationFrame(() => {
        followFrame = 0;
        scroller.scrollTop = scroller.scrollHeight;
      });
    }
  };

  const section = (title: string, text: string | undefined, size: number | undefined): HTMLElement[] => {
    if (text === undefined) return [];
    const cut = typeof size === "number" && size > text.length;
    const parts: HTMLElement[] = [h("h4", {}, title)];
    if (cut) parts.push(h("p", { className: "trace-cut", "data-testid": "trace-detail-cut" }, `cut at ${count(text.length)} of ${count(size)} characters`));
    parts.push(h("pre", { className: "trace-content", "data-testid": "trace-detail-content" }, pretty(text, cut)));
    return parts;
  };

  const showDetail = (row: Row | null) => {
    selected = row;
    for (const element of list.querySelectorAll(".trace-row.selected")) element.classList.remove("selected");
    if (row === null) {
      detail.hidden = true;
      fill(detail);
      return;
    }
    row.element?.classList.add("selected");
    const { name } = label(row);
    const first = row.first;
    const end = row.end;
    const facts: [string, string | undefined][] = [
      ["kind", row.kind === "message" ? first.kind : row.kind],
      ["branch", row.branch === null ? undefined : `${row.branch.name} (${row.branch.key})`],
      ["operation", first.operation ?? end?.operation],
      ["model", [first.model ?? end?.model, first.provider ?? end?.provider].filter(Boolean).join(" · ") || undefined],
      ["answered by", end?.answeredBy],
      ["tokens", end !== null && (end.tokensIn !== undefined || end.tokensOut !== undefined) ? `${end.tokensIn ?? "?"} in · ${end.tokensOut ?? "?"} out` : undefined],
      ["tool", first.tool ?? end?.tool],
      ["at", formatMs(row.startMs)],
      ["duration", end !== null && typeof end.durationMs === "number" ? formatMs(end.durationMs) : row.kind === "operation" || row.kind === "model" || row.kind === "tool" ? (ended ? "unfinished" : "running") : undefined],
      ["status", end?.status],
      ["span", first.span ?? end?.span],
      ["seq", first.seq === undefined ? undefined : `${first.seq}${end !== null && end !== first && end.seq !== undefined ? `–${end.seq}` : ""}`],
    ];
    const list2 = h("dl", { className: "trace-facts" });
    for (const [key, value] of facts) {
      if (value === undefined || value === "") continue;
      list2.append(h("dt", {}, key), h("dd", {}, value));
    }
    const contents: HTMLElement[] = [];
    if (row.kind === "tool") {
      if (first !== end) contents.push(...section("Arguments", first.content, first.contentSize));
      if (end !== null) contents.push(...section(end.status === "error" ? "Error" : "Result", end.content, end.contentSize));
    } else if (row.kind === "operation" || row.kind === "model") {
      if (first !== end) contents.push(...section("At the start", first.content, first.contentSize));
      if (end !== null) contents.push(...section(end.status === "error" ? "Error" : "At the end", end.content, end.contentSize));
    } else {
      contents.push(...section(row.kind === "error" ? "Error" : "Content", first.content, first.contentSize));
    }
    if (contents.length === 0) contents.push(h("p", { className: "muted" }, "No content."));
    const close = h("button", { type: "button", className: "icon", "data-testid": "trace-detail-close", title: "Close", "aria-label": "Close the detail" }, "✕");
    close.addEventListener("click", () => showDetail(null));
    fill(detail,
      h("div", { className: "trace-detail-title" }, h("strong", { "data-testid": "trace-detail-title" }, name), h("span", { className: "spacer" }), close),
      list2, ...contents);
    detail.dataset.kind = first.kind.replace(/_(start|end)$/, "");
    detail.classList.toggle("failed", statusOf(row) === "error");
    detail.hidden = false;
  };

  const setFilter = (key: string | null) => {
    filter = key;
    for (const branch of branches.values()) branch.chip.setAttribute("aria-pressed", String(branch.key === key));
    for (const row of rows) {
      if (row.element !== null) row.element.hidden = key !== null && row.branch !== null && row.branch.key !== key;
    }
  };

  const clear = () => {
    rows = [];
    drawn = 0;
    spans = new Map();
    branches = new Map();
    received = [];
    totals = { events: 0, tokensIn: 0, tokensOut: 0, models: 0, tools: 0, errors: 0 };
    t0 = null;
    tEnd = 0;
    span = 0;
    axisEnd.textContent = "";
    following = true;
    list.style.removeProperty("--span");
    list.style.removeProperty("--t0");
    filter = null;
    ended = false;
    list.replaceChildren();
    sized.clear();
    branchesBox.replaceChildren();
    truncated.hidden = true;
    setProblem(null);
    showDetail(null);
  };

  const begin = (id: string, file: string) => {
    clear();
    runId = id;
    entry = file;
    runLabel.textContent = file;
    download.disabled = false;
    const first = early.get(id);
    early.delete(id);
    early.clear();
    takeAll(first ?? []);
  };

  const save = async () => {
    const id = runId;
    if (id === null) return;
    download.disabled = true;
    let body: unknown;
    try {
      body = await connection.api.traceGet(id);
      setProblem(null);
    } catch (error) {
      body = { runId: id, events: received };
      setProblem(`The server did not give the trace (${describeError(error)}); saved the ${count(received.length)} events this page received.`);
    } finally {
      download.disabled = false;
    }
    const blob = new Blob([`${JSON.stringify(body, null, 2)}\n`], { type: "application/json" });
    const url = URL.createObjectURL(blob);
    const link = h("a", { href: url, download: `trace-${safeName(id)}.json`, hidden: true });
    document.body.append(link);
    link.click();
    link.remove();
    window.setTimeout(() => URL.revokeObjectURL(url), 60_000);
  };

  list.addEventListener("click", (event) => {
    const element = (event.target as Element | null)?.closest(".trace-row");
    const row = element === null || element === undefined ? undefined : elementRows.get(element);
    if (row !== undefined) {
      showDetail(row === selected ? null : row);
      (element as HTMLElement).focus();
    }
  });
  list.addEventListener("keydown", (event) => {
    const element = (event.target as Element | null)?.closest(".trace-row");
    if (element === null || element === undefined) return;
    let next: Element | null = null;
    const down = event.key === "ArrowDown";
    // The row before or after, across the blocks' edges.
    const step = (from: Element): Element | null =>
      (down ? from.nextElementSibling : from.previousElementSibling) ??
      ((down ? from.parentElement?.nextElementSibling?.firstElementChild : from.parentElement?.previousElementSibling?.lastElementChild) ?? null);
    if (event.key === "ArrowDown" || event.key === "ArrowUp") next = step(element);
    else if (event.key === "Escape") showDetail(null);
    else return;
    event.preventDefault();
    while (next !== null && (next as HTMLElement).hidden) next = step(next);
    const row = next === null ? undefined : elementRows.get(next);
    if (row !== undefined && next !== null) {
      showDetail(row);
      (next as HTMLElement).focus();
    }
  });
  download.addEventListener("click", () => void save());

  connection.on("playground/trace", (p) => {
    if (p === null || typeof p !== "object" || !Array.isArray(p.events)) return;
    if (p.runId === runId) {
      takeAll(p.events);
      return;
    }
    // Not (yet) the run in front: kept for a while, in case it becomes it (the answer to
    // `playground/run` and the first events may cross).
    let kept = early.get(p.runId);
    if (kept === undefined) {
      if (early.size >= EARLY_RUNS) early.delete(early.keys().next().value as string);
      kept = [];
      early.set(p.runId, kept);
    }
    for (const event of p.events) if (kept.length < EARLY_EVENTS && isEvent(event)) kept.push(event);
  });
  connection.on("playground/exit", (p) => {
    if (p.runId !== runId) return;
    ended = true;
    for (const row of rows) if (row.end === null && row.element !== null) refreshRow(row);
    refreshHeader();
    if (selected !== null) showDetail(selected);
  });
  page.on((event) => {
    if (event.kind === "runBegan") begin(event.runId, event.entry);
  });

  refreshHeader();
  return { badge };
}
