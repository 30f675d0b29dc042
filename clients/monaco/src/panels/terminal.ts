/**
 * The console's terminal (xterm.js): program output with its ANSI colours, stderr in red, lines
 * from the page dimmed, and a line editor for `input()` (typed here, sent on Enter). Knows nothing
 * of the protocol: the run panel feeds it and hears typed lines.
 *
 * A plain-text copy of what was written (the last 256 KiB) sits beside it for screen readers and
 * tests, which cannot read xterm's rows past the screen.
 *
 * xterm.js is a chunk of its own, loaded once the page has drawn a frame (the editor's first
 * included): the console is empty until a run, and its ~330 KB would otherwise lengthen the
 * download and evaluation the editor waits for. What is written before it is there shows then.
 */

import type { FitAddon } from "@xterm/addon-fit";
import type { ITheme, Terminal as XTerm } from "@xterm/xterm";
import "@xterm/xterm/css/xterm.css";

import { h } from "../dom";
import type { Theme } from "../page";

const THEMES: Record<Theme, ITheme> = {
  dark: { background: "#1e1e1e", foreground: "#d4d4d4", cursor: "#d4d4d4", selectionBackground: "#264f78" },
  light: {
    background: "#ffffff",
    foreground: "#1f2328",
    cursor: "#1f2328",
    selectionBackground: "#add6ff",
    black: "#1f2328",
    brightBlack: "#57606a",
    white: "#6e7781",
    brightWhite: "#8c959f",
    yellow: "#9a6700",
    brightYellow: "#7d4e00",
  },
};

const MIRROR_LIMIT = 256 * 1024;
const ANSI = /\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[@-_]/g;

export interface TerminalKeys {
  /** A line typed while input is on (without its newline). */
  line(text: string): void;
  /** Ctrl+D on an empty line. */
  endOfInput(): void;
  /** Key combinations the page handles (Ctrl/Cmd+Enter, Ctrl/Cmd+S): true if taken. */
  shortcut(event: KeyboardEvent): boolean;
}

export class Terminal {
  /** Null until xterm.js has loaded; `pending` holds what was written meanwhile. */
  private xterm: XTerm | null = null;
  private fit: FitAddon | null = null;
  private pending = "";
  private theme: Theme;
  private readonly mirror: HTMLElement;
  private mirrorText = "";
  private mirrorTimer: number | undefined;
  private inputOn = false;
  private typed = "";

  constructor(host: HTMLElement, theme: Theme, private readonly keys: TerminalKeys) {
    this.theme = theme;
    const screen = h("div", { className: "terminal-screen", "data-testid": "console" });
    this.mirror = h("pre", { className: "sr-only", "data-testid": "console-text", "aria-live": "off" });
    host.append(screen, this.mirror);
    requestAnimationFrame(() =>
      window.setTimeout(() => {
        this.load(screen).catch((error: unknown) => {
          console.error("the console could not load", error);
          screen.textContent = "The console could not load; reload the page to try again.";
        });
      }),
    );
  }

  private async load(screen: HTMLElement): Promise<void> {
    const [{ Terminal: XTermClass }, { FitAddon: FitAddonClass }] = await Promise.all([
      import("@xterm/xterm"),
      import("@xterm/addon-fit"),
    ]);
    const xterm = new XTermClass({
      convertEol: true,
      cursorBlink: this.inputOn,
      disableStdin: false,
      fontSize: 13,
      fontFamily: "ui-monospace, SFMono-Regular, Menlo, Consolas, 'DejaVu Sans Mono', monospace",
      scrollback: 5000,
      theme: THEMES[this.theme],
    });
    const fit = new FitAddonClass();
    xterm.loadAddon(fit);
    xterm.open(screen);
    xterm.attachCustomKeyEventHandler((event) => !(event.type === "keydown" && this.keys.shortcut(event)));
    xterm.onData((data) => this.typedData(data));
    this.xterm = xterm;
    this.fit = fit;
    if (this.pending !== "") xterm.write(this.pending);
    this.pending = "";
    new ResizeObserver(() => this.refit()).observe(screen);
    this.refit();
  }

  setTheme(theme: Theme): void {
    this.theme = theme;
    if (this.xterm !== null) this.xterm.options.theme = THEMES[theme];
  }

  clear(): void {
    this.xterm?.reset();
    this.pending = "";
    this.typed = "";
    this.mirrorText = "";
    window.clearTimeout(this.mirrorTimer);
    this.mirrorTimer = undefined;
    this.mirror.textContent = "";
  }

  /** Program output; stderr in red unless it colours itself. */
  output(text: string, stream: "stdout" | "stderr"): void {
    this.write(stream === "stderr" && !text.includes("\x1b[") ? `\x1b[91m${text}\x1b[0m` : text);
  }

  /** A line from the page itself (run started, exit status): dimmed, on a line of its own. */
  note(text: string, colour: "dim" | "green" | "red" | "yellow" = "dim"): void {
    const code = { dim: "2", green: "32", red: "31", yellow: "33" }[colour];
    this.write(`${this.atLineStart() ? "" : "\n"}\x1b[${code}m${text}\x1b[0m\n`);
    // A page line marks a moment (a run's start or end): the text copy is complete at once.
    this.flushMirror();
  }

  /** Typing goes to the program (a line at a time) while on; focus stays where it is. */
  setInput(on: boolean): void {
    this.inputOn = on;
    this.typed = "";
    if (this.xterm !== null) this.xterm.options.cursorBlink = on;
  }

  focus(): void {
    this.xterm?.focus();
  }

  /** Shows a line sent from elsewhere (the stdin box) as if typed here. */
  echo(line: string): void {
    this.write(`\x1b[36m${line}\x1b[0m\n`);
  }

  private write(text: string): void {
    if (this.xterm !== null) this.xterm.write(text);
    else this.pending = (this.pending + text).slice(-MIRROR_LIMIT);
    this.mirrorText += text.replace(ANSI, "");
    // Trimmed and copied to the page in batches: a program printing in many small pieces would
    // otherwise copy the whole mirror once per piece.
    if (this.mirrorText.length > 2 * MIRROR_LIMIT) this.mirrorText = this.mirrorText.slice(-MIRROR_LIMIT);
    if (this.mirrorTimer === undefined) this.mirrorTimer = window.setTimeout(() => this.flushMirror(), 30);
  }

  private flushMirror(): void {
    window.clearTimeout(this.mirrorTimer);
    this.mirrorTimer = undefined;
    if (this.mirrorText.length > MIRROR_LIMIT) this.mirrorText = this.mirrorText.slice(-MIRROR_LIMIT);
    this.mirror.textContent = this.mirrorText;
  }

  private atLineStart(): boolean {
    return this.mirrorText === "" || this.mirrorText.endsWith("\n");
  }

  private typedData(data: string): void {
    const xterm = this.xterm;
    if (xterm === null || !this.inputOn || data.startsWith("\x1b")) return; // arrows and other keys: no line editing
    for (const ch of data.replace(/\r\n/g, "\r")) {
      if (ch === "\r" || ch === "\n") {
        const line = this.typed;
        this.typed = "";
        xterm.write("\r\n");
        this.mirrorText += `${line}\n`;
        this.keys.line(line);
      } else if (ch === "\x7f" || ch === "\b") {
        if (this.typed.length > 0) {
          this.typed = [...this.typed].slice(0, -1).join("");
          xterm.write("\b \b");
        }
      } else if (ch === "\x04") {
        if (this.typed === "") this.keys.endOfInput();
      } else if (ch === "\x03") {
        this.typed = "";
        xterm.write("^C\r\n");
      } else if (ch >= " " || ch === "\t") {
        this.typed += ch;
        xterm.write(`\x1b[36m${ch}\x1b[0m`);
      }
    }
  }

  private refit(): void {
    try {
      this.fit?.fit();
    } catch {
      // hidden or not laid out yet
    }
  }
}
