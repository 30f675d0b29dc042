/**
 * The run panel: Run and Stop, the console (terminal, images from `playground/display`, a line of
 * stdin), the queue position while waiting, live memory and CPU meters with the server's 80% / 90%
 * warnings, and the exit status with the run's usage.
 *
 * Runs are shared (`playground/run {playground, entry}`): every member of the playground sees the
 * output of the latest run anyone started, live. Only that run's notifications are shown.
 */

import type { Connection } from "../connection/connection";
import type { RunExit, RunLimits, RunOptions, RunStats } from "../connection/playground";
import { describeError } from "../connection/rpc";
import { formatBytes, formatSeconds, h } from "../dom";
import type { Page } from "../page";
import { Terminal } from "./terminal";

const DEFAULT_MEMORY = 512 * 1024 * 1024;
const IMAGE_MIMES = new Set(["image/png", "image/jpeg", "image/gif", "image/webp", "image/svg+xml"]);

interface CurrentRun {
  readonly runId: string;
  readonly own: boolean;
  readonly entry: string;
  readonly limits: RunLimits | undefined;
  ended: boolean;
}

const EXIT_WORDS: Record<RunExit["status"], string> = {
  ok: "finished",
  error: "failed",
  timeout: "timed out",
  memory: "ran out of memory",
  output_limit: "printed too much",
  cancelled: "stopped",
  signal: "was killed by a signal",
};

function meter(label: string, testid: string): { root: HTMLElement; bar: HTMLElement; text: HTMLElement } {
  const bar = h("div", { className: "meter-bar" });
  const text = h("span", { className: "meter-text" }, "–");
  const root = h("div", {
    className: "meter",
    "data-testid": testid,
    role: "meter",
    "aria-label": label,
    "aria-valuemin": 0,
    "aria-valuemax": 100,
    "aria-valuenow": 0,
  }, h("span", { className: "meter-label" }, label), h("div", { className: "meter-track" }, bar), text);
  return { root, bar, text };
}

/** Places in the run panel other panels fill (app.ts wires them): its toolbar's ends, its body. */
export interface RunSlots {
  /** The toolbar's start: the Console / Trace tabs. */
  readonly tabs: HTMLElement;
  /** Before Clear at the toolbar's end: the Model control. */
  readonly tools: HTMLElement;
  /** The console (terminal, images): hidden while another view is in front (stdin stays). */
  readonly body: HTMLElement;
}

/**
 * `beforeRun` resolves once the edits made so far are on the server (false if they could not be
 * sent in time: the run then takes what the server has); `runOptions` says what a shared run
 * carries besides its files (an API key, recording).
 */
export function mountRun(
  root: HTMLElement,
  page: Page,
  connection: Connection,
  beforeRun: () => Promise<boolean>,
  runOptions: () => RunOptions = () => ({}),
): RunSlots {
  const runButton = h("button", { type: "button", className: "primary", "data-testid": "run", title: "Run (Ctrl/Cmd+Enter)" }, "▶ Run");
  const stopButton = h("button", { type: "button", "data-testid": "stop", title: "Stop", disabled: true }, "■ Stop");
  const clearButton = h("button", { type: "button", className: "ghost", "data-testid": "console-clear", title: "Clear the console" }, "Clear");
  const status = h("span", { className: "run-status", "data-testid": "run-status", "data-status": "idle" }, "Ready");
  const queue = h("span", { className: "queue", "data-testid": "queue-position", hidden: true });
  const memory = meter("Memory", "meter-memory");
  const cpu = meter("CPU", "meter-cpu");
  const warnings = h("span", { className: "run-warnings", "data-testid": "run-warnings", role: "alert" });
  const usage = h("span", { className: "run-usage", "data-testid": "run-usage" });
  const tabs = h("span", { className: "run-tabs" });
  const tools = h("span", { className: "run-tools" });
  const toolbar = h("div", { className: "run-toolbar" },
    tabs, runButton, stopButton, status, queue, memory.root, cpu.root, warnings, usage, tools, clearButton);
  const screen = h("div", { className: "console-screen" });
  const images = h("div", { className: "display-strip", "data-testid": "display", hidden: true });
  const stdin = h("input", {
    type: "text",
    className: "stdin-input",
    "data-testid": "stdin",
    placeholder: "Input for the program (Enter sends a line)",
    autocomplete: "off",
    spellcheck: "false",
    disabled: true,
    "aria-label": "Input for the running program",
  });
  const stdinRow = h("form", { className: "stdin-row" }, h("span", { className: "stdin-prompt" }, "stdin ›"), stdin,
    h("button", { type: "submit", className: "ghost", "data-testid": "stdin-send" }, "Send"));
  const body = h("div", { className: "run-body" }, screen, images);
  root.append(toolbar, body, stdinRow);

  let current: CurrentRun | null = null;
  let starting = false;

  const terminal = new Terminal(screen, page.theme, {
    line: (text) => sendInput(`${text}\n`, false),
    endOfInput: () => sendInput("", true),
    shortcut: (event) => {
      if (!(event.ctrlKey || event.metaKey)) return false;
      if (event.key === "Enter") page.post({ kind: "run" });
      else if (event.key === "s") page.post({ kind: "save" });
      else return false;
      event.preventDefault();
      return true;
    },
  });

  const setStatus = (kind: string, text: string) => {
    status.dataset.status = kind;
    status.textContent = text;
  };

  const setMeter = (m: typeof memory, fraction: number, text: string, warnAt: number) => {
    const percent = Math.max(0, Math.min(100, Math.round(fraction * 100)));
    m.bar.style.width = `${percent}%`;
    m.root.setAttribute("aria-valuenow", String(percent));
    m.root.classList.toggle("warn", fraction >= warnAt);
    m.root.classList.toggle("danger", fraction >= 0.95);
    m.text.textContent = text;
  };

  const resetMeters = () => {
    setMeter(memory, 0, "–", 0.8);
    setMeter(cpu, 0, "–", 0.9);
    warnings.textContent = "";
    queue.hidden = true;
  };

  const refreshControls = () => {
    const live = current !== null && !current.ended;
    const canEdit = page.canEdit;
    runButton.disabled = !canEdit || starting || connection.current === null;
    stopButton.disabled = !canEdit || !live;
    stdin.disabled = !(live && current?.own === true);
    terminal.setInput(live && current?.own === true);
  };

  const begin = (run: CurrentRun, who: string) => {
    current = run;
    terminal.clear();
    images.replaceChildren();
    images.hidden = true;
    usage.textContent = "";
    resetMeters();
    terminal.note(`▶ ${run.entry}${who}`);
    setStatus("running", "Running");
    refreshControls();
    page.post({ kind: "runBegan", runId: run.runId, entry: run.entry, own: run.own });
  };

  const run = async () => {
    const view = page.view;
    if (view === null || !page.canEdit || starting) return;
    const entry = page.active ?? page.files.find((p) => p === "main.py") ?? page.files[0];
    if (entry === undefined) {
      terminal.note("Open a file to run it.", "yellow");
      return;
    }
    starting = true;
    refreshControls();
    setStatus("starting", "Starting…");
    try {
      if (!(await beforeRun())) terminal.note("Some edits are not on the server yet; running what it has.", "yellow");
      const options = runOptions();
      const started = await connection.api.run(view.playground, entry, options);
      const how = options.keys === undefined ? "" : options.record === true ? " (real model, recording)" : " (real model)";
      begin({ runId: started.runId, own: true, entry, limits: started.limits, ended: false }, how);
    } catch (error) {
      setStatus("error", "Not started");
      terminal.note(`Could not run ${entry}: ${describeError(error)}`, "red");
    } finally {
      starting = false;
      refreshControls();
    }
  };

  const stop = async () => {
    const run = current;
    if (run === null || run.ended) return;
    try {
      await connection.api.cancel(run.runId);
    } catch (error) {
      terminal.note(`Could not stop: ${describeError(error)}`, "red");
    }
  };

  const sendInput = (text: string, eof: boolean) => {
    const run = current;
    if (run === null || run.ended || !run.own) return;
    connection.api.stdin(run.runId, text, eof).catch((error: unknown) => terminal.note(`Input not sent: ${describeError(error)}`, "red"));
  };

  const isCurrent = (runId: string) => current !== null && current.runId === runId;

  const showStats = (stats: RunStats) => {
    const limits = current?.limits;
    const memoryLimit = typeof limits?.memoryBytes === "number" ? limits.memoryBytes : DEFAULT_MEMORY;
    const cpus = typeof limits?.cpus === "number" ? limits.cpus : 1;
    setMeter(memory, stats.memoryBytes / memoryLimit, `${formatBytes(stats.memoryBytes)} / ${formatBytes(memoryLimit)}`, 0.8);
    setMeter(cpu, stats.cpuPercent / (cpus * 100), `${Math.round(stats.cpuPercent)}%`, 0.9);
    warnings.textContent = stats.warnings.join(" · ");
    queue.hidden = true;
    setStatus("running", `Running ${formatSeconds(stats.elapsedMs)}`);
  };

  const showExit = (exit: RunExit) => {
    if (current !== null) current.ended = true;
    const ok = exit.status === "ok";
    const code = exit.exitCode === null ? "" : ` (exit code ${exit.exitCode})`;
    const figures = `${formatSeconds(exit.elapsedMs)} · CPU ${formatSeconds(exit.cpuMs)} · peak memory ${formatBytes(exit.maxMemoryBytes)}`;
    terminal.note(`■ ${EXIT_WORDS[exit.status] ?? exit.status}${code}${exit.message ? `: ${exit.message}` : ""} · ${figures}`, ok ? "green" : exit.status === "cancelled" ? "yellow" : "red");
    setStatus(exit.status, `${ok ? "✓" : "✗"} ${EXIT_WORDS[exit.status] ?? exit.status}${code}`);
    usage.textContent = figures;
    usage.title = figures;
    queue.hidden = true;
    refreshControls();
  };

  const showDisplay = (mime: string, data: string) => {
    if (IMAGE_MIMES.has(mime)) {
      const image = h("img", { src: `data:${mime};base64,${data}`, alt: "a figure from the program", "data-testid": "display-image" });
      image.addEventListener("click", () => image.classList.toggle("expanded"));
      images.append(image);
      images.hidden = false;
    } else if (mime.startsWith("text/")) {
      terminal.output(data.endsWith("\n") ? data : `${data}\n`, "stdout");
    } else {
      terminal.note(`[${mime} output not shown]`);
    }
  };

  runButton.addEventListener("click", () => void run());
  stopButton.addEventListener("click", () => void stop());
  clearButton.addEventListener("click", () => terminal.clear());
  stdinRow.addEventListener("submit", (event) => {
    event.preventDefault();
    const line = stdin.value;
    stdin.value = "";
    terminal.echo(line);
    sendInput(`${line}\n`, false);
  });

  connection.on("playground/runStarted", (p) => {
    if (p.playground !== page.view?.playground) return;
    begin({ runId: p.runId, own: false, entry: p.entry, limits: undefined, ended: false }, " (started by someone else)");
  });
  connection.on("playground/output", (p) => {
    if (isCurrent(p.runId)) terminal.output(p.text, p.stream);
  });
  connection.on("playground/display", (p) => {
    if (isCurrent(p.runId)) showDisplay(p.mime, p.data);
  });
  connection.on("playground/stats", (p) => {
    if (isCurrent(p.runId)) showStats(p);
  });
  connection.on("playground/queue", (p) => {
    if (!isCurrent(p.runId)) return;
    queue.hidden = false;
    queue.textContent = `Queued: ${p.position === 1 ? "next" : `position ${p.position}`}`;
    setStatus("queued", "Waiting for a free sandbox");
  });
  connection.on("playground/exit", (p) => {
    if (isCurrent(p.runId)) showExit(p);
  });
  connection.onLost(() => {
    if (current !== null && !current.ended) {
      // The server cancels a session's runs when its socket closes.
      current.ended = true;
      terminal.note("The connection dropped; the run's output stops here.", "yellow");
      setStatus("cancelled", "Disconnected");
    }
    refreshControls();
  });
  connection.onReady(() => refreshControls());

  page.on((event) => {
    if (event.kind === "run") void run();
    else if (event.kind === "stop") void stop();
    else if (event.kind === "theme") terminal.setTheme(event.theme);
    else if (event.kind === "note") terminal.note(event.text, event.tone);
    else if (event.kind === "playground") refreshControls();
  });

  resetMeters();
  refreshControls();
  terminal.note("Run the file in front with ▶ Run or Ctrl/Cmd+Enter.");
  return { tabs, tools, body };
}
