/**
 * The run terminal: a Pseudoterminal that shows a run's output as it streams and turns what is
 * typed into it into the program's stdin, a line at a time, with local echo (the program has no
 * tty). Enter sends the line, Ctrl+D ends the input, Ctrl+C stops the run.
 */

import * as vscode from "vscode";

export interface TerminalInput {
  /** A line typed (with its "\n"), or the rest of the input with `eof`. */
  line(text: string, eof: boolean): void;
  interrupt(): void;
  /** False when no run takes input now: typing is not echoed. */
  accepting(): boolean;
}

const NAME = "lionagi Playground";

export class RunTerminal implements vscode.Disposable {
  private terminal: vscode.Terminal | null = null;
  private readonly writes = new vscode.EventEmitter<string>();
  private open = false;
  private queued: string[] = [];
  private typed = "";
  private atLineStart = true;
  private readonly subscriptions: vscode.Disposable[] = [];

  constructor(private readonly input: TerminalInput) {
    this.subscriptions.push(
      vscode.window.onDidCloseTerminal((closed) => {
        if (closed === this.terminal) {
          this.terminal = null;
          this.open = false;
          this.queued = [];
        }
      }),
    );
  }

  /** Shows the terminal (making it if it was closed), keeping the focus where it is. */
  show(preserveFocus = true): void {
    if (this.terminal === null) {
      const pty: vscode.Pseudoterminal = {
        onDidWrite: this.writes.event,
        open: () => {
          this.open = true;
          for (const text of this.queued.splice(0)) this.writes.fire(text);
        },
        close: () => {
          this.open = false;
        },
        handleInput: (data) => this.handleInput(data),
      };
      this.terminal = vscode.window.createTerminal({ name: NAME, pty, iconPath: new vscode.ThemeIcon("play") });
    }
    this.terminal.show(preserveFocus);
  }

  /** Program output: line feeds become the terminal's CR LF. */
  write(text: string): void {
    if (text === "") return;
    this.raw(text.replace(/\r?\n/g, "\r\n"));
    this.atLineStart = text.endsWith("\n");
  }

  /** A line of our own (a run's start or end), on a line of its own, coloured by an SGR code. */
  note(text: string, sgr = "2"): void {
    const start = this.atLineStart ? "" : "\r\n";
    this.raw(`${start}\x1b[${sgr}m${text.replace(/\r?\n/g, "\r\n")}\x1b[0m\r\n`);
    this.atLineStart = true;
  }

  /** Forgets what was typed and not sent (a new run starts with an empty line). */
  resetInput(): void {
    this.typed = "";
  }

  dispose(): void {
    this.terminal?.dispose();
    this.writes.dispose();
    for (const s of this.subscriptions) s.dispose();
  }

  private raw(text: string): void {
    if (this.open) this.writes.fire(text);
    else this.queued.push(text);
  }

  private handleInput(data: string): void {
    if (data.startsWith("\x1b")) return; // arrows and other keys with no meaning for a line
    for (const ch of data) {
      if (ch === "\x03") {
        this.raw("^C\r\n");
        this.atLineStart = true;
        this.typed = "";
        this.input.interrupt();
      } else if (!this.input.accepting()) {
        continue;
      } else if (ch === "\r" || ch === "\n") {
        this.raw("\r\n");
        this.atLineStart = true;
        const line = `${this.typed}\n`;
        this.typed = "";
        this.input.line(line, false);
      } else if (ch === "\x04") {
        const rest = this.typed;
        this.typed = "";
        this.raw("\r\n");
        this.input.line(rest, true);
      } else if (ch === "\x7f" || ch === "\b") {
        if (this.typed.length > 0) {
          this.typed = [...this.typed].slice(0, -1).join("");
          this.raw("\b \b");
        }
      } else if (ch >= " ") {
        this.typed += ch;
        this.raw(ch);
        this.atLineStart = false;
      }
    }
  }
}
