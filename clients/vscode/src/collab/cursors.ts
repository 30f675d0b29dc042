/**
 * Collaborators' cursors and selections as editor decorations: a caret in their colour with
 * their name beside it, and their selection tinted. Colours come from the server and are
 * checked before they reach a style; names are shown as text.
 */

import * as vscode from "vscode";
import type { RemoteCursor } from "../../../shared/ot/src/index";

const FALLBACK_COLOURS = ["#e06c75", "#61afef", "#98c379", "#c678dd", "#e5c07b", "#56b6c2", "#d19a66"];

interface Look {
  readonly key: string;
  readonly caret: vscode.TextEditorDecorationType;
  readonly selection: vscode.TextEditorDecorationType;
}

/** A colour safe to put in a style: `#rgb`, `#rrggbb` (or with alpha), else one of ours. */
export function safeColour(colour: string | undefined, seed: string): string {
  if (colour !== undefined && /^#(?:[0-9a-f]{3}|[0-9a-f]{6}|[0-9a-f]{8})$/i.test(colour)) return colour;
  let hash = 0;
  for (const ch of seed) hash = (hash * 31 + ch.charCodeAt(0)) | 0;
  return FALLBACK_COLOURS[Math.abs(hash) % FALLBACK_COLOURS.length] ?? "#e06c75";
}

export class CursorDecorations implements vscode.Disposable {
  private readonly looks = new Map<string, Look>();

  /** Draws `cursors` on every visible editor of `document`, replacing what was drawn. */
  render(document: vscode.TextDocument, cursors: readonly RemoteCursor[]): void {
    const editors = vscode.window.visibleTextEditors.filter((e) => e.document === document);
    if (editors.length === 0) return;
    const placed = cursors.map((cursor) => [this.look(cursor), cursor] as const);
    const carets = new Map<Look, vscode.DecorationOptions[]>();
    const selections = new Map<Look, vscode.Range[]>();
    for (const look of this.looks.values()) {
      carets.set(look, []);
      selections.set(look, []);
    }
    const length = document.getText().length;
    for (const [look, cursor] of placed) {
      for (const range of cursor.selection.ranges) {
        const head = document.positionAt(Math.min(range.head, length));
        const anchor = document.positionAt(Math.min(range.anchor, length));
        carets.get(look)?.push({ range: new vscode.Range(head, head), hoverMessage: cursor.name });
        if (range.anchor !== range.head) selections.get(look)?.push(new vscode.Range(anchor, head));
      }
    }
    for (const editor of editors) {
      for (const [look, options] of carets) editor.setDecorations(look.caret, options);
      for (const [look, ranges] of selections) editor.setDecorations(look.selection, ranges);
    }
  }

  /** Clears every cursor from `document`'s editors. */
  clear(document: vscode.TextDocument): void {
    this.render(document, []);
  }

  dispose(): void {
    for (const look of this.looks.values()) {
      look.caret.dispose();
      look.selection.dispose();
    }
    this.looks.clear();
  }

  /** One look per participant and name/colour: a rename makes a new one. */
  private look(cursor: RemoteCursor): Look {
    const colour = safeColour(cursor.colour, cursor.clientId);
    const name = cursor.name.slice(0, 40) || "someone";
    const key = `${colour}\u0000${name}`;
    const existing = this.looks.get(cursor.clientId);
    if (existing?.key === key) return existing;
    if (existing !== undefined) {
      existing.caret.dispose();
      existing.selection.dispose();
    }
    const look: Look = {
      key,
      caret: vscode.window.createTextEditorDecorationType({
        rangeBehavior: vscode.DecorationRangeBehavior.ClosedClosed,
        before: {
          contentText: "\u200b",
          // The caret: a bar in their colour that takes no room.
          textDecoration: `none; position: relative; border-left: 2px solid ${colour}; margin-left: -1px; margin-right: -1px`,
        },
        after: {
          contentText: name,
          color: "#ffffff",
          backgroundColor: colour,
          // The name: a small tag above the line, over the text rather than pushing it aside.
          textDecoration: "none; position: absolute; transform: translateY(-95%); font-size: 0.8em; line-height: 1.3em; padding: 0 3px; border-radius: 3px; white-space: nowrap; z-index: 10; pointer-events: none",
        },
      }),
      selection: vscode.window.createTextEditorDecorationType({
        backgroundColor: `${colour.length === 4 ? expand(colour) : colour.slice(0, 7)}40`,
        rangeBehavior: vscode.DecorationRangeBehavior.ClosedClosed,
      }),
    };
    this.looks.set(cursor.clientId, look);
    return look;
  }
}

function expand(short: string): string {
  return `#${[...short.slice(1)].map((c) => c + c).join("")}`;
}
