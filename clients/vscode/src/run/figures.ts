/**
 * The Figures panel: images a run displays (`playground/display`, e.g. matplotlib's
 * `plt.show()`) in a webview beside the editor. No scripts; images only as data: URLs.
 */

import * as vscode from "vscode";

interface Figure {
  readonly mime: string;
  readonly data: string;
  readonly title: string;
}

const KEEP = 12;
const IMAGE = /^image\/(png|jpeg|gif|webp|svg\+xml)$/;

export class FiguresPanel implements vscode.Disposable {
  private panel: vscode.WebviewPanel | null = null;
  private figures: Figure[] = [];

  show(mime: string, data: string, title: string): void {
    if (!IMAGE.test(mime) && !mime.startsWith("text/")) return;
    this.figures = [...this.figures, { mime, data, title }].slice(-KEEP);
    if (this.panel === null) {
      this.panel = vscode.window.createWebviewPanel(
        "lionagiPlayground.figures",
        "Figures",
        { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true },
        { enableScripts: false, retainContextWhenHidden: true },
      );
      this.panel.onDidDispose(() => {
        this.panel = null;
      });
    } else if (!this.panel.visible) {
      this.panel.reveal(vscode.ViewColumn.Beside, true);
    }
    this.panel.webview.html = this.html();
  }

  dispose(): void {
    this.panel?.dispose();
  }

  private html(): string {
    const items = [...this.figures].reverse().map((f) => {
      const body = IMAGE.test(f.mime)
        ? `<img alt="${escape(f.title)}" src="data:${f.mime};base64,${f.data.replace(/[^A-Za-z0-9+/=]/g, "")}">`
        : `<pre>${escape(f.data)}</pre>`;
      return `<figure data-mime="${escape(f.mime)}">${body}<figcaption>${escape(f.title)}</figcaption></figure>`;
    });
    return `<!DOCTYPE html><html><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; img-src data:; style-src 'unsafe-inline';">
<style>
body { padding: 8px; color: var(--vscode-foreground); font-family: var(--vscode-font-family); }
figure { margin: 0 0 16px; } img { max-width: 100%; background: #fff; }
figcaption { opacity: .7; font-size: .9em; } pre { white-space: pre-wrap; }
</style></head><body>${items.join("\n")}</body></html>`;
  }
}

function escape(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
