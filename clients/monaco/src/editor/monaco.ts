/**
 * Which parts of Monaco the page loads: the editor core, the editor features a Python playground
 * uses, three languages (python, javascript, shell) and the editor worker. Everything else in
 * monaco-editor (the TypeScript, CSS, HTML and JSON language services and their workers, 80 other
 * grammars, the built-in LSP client) is left out of the bundle.
 */

import * as monaco from "monaco-editor/editor";
import EditorWorker from "monaco-editor/editor/editor.worker?worker";

import "monaco-editor/features/codeEditor/register";
import "monaco-editor/features/codicon/register";
// The suggest widget itself: the `suggest` feature entry only brings its inline-completions part.
import "monaco-editor/editor/contrib/suggest/browser/suggestController";
import "monaco-editor/features/suggest/register";
import "monaco-editor/features/snippet/register";
import "monaco-editor/features/hover/register";
import "monaco-editor/features/parameterHints/register";
import "monaco-editor/features/codeAction/register";
import "monaco-editor/features/format/register";
import "monaco-editor/features/gotoError/register";
import "monaco-editor/features/gotoSymbol/register";
import "monaco-editor/features/find/register";
import "monaco-editor/features/folding/register";
import "monaco-editor/features/bracketMatching/register";
import "monaco-editor/features/comment/register";
import "monaco-editor/features/linesOperations/register";
import "monaco-editor/features/multicursor/register";
import "monaco-editor/features/clipboard/register";
import "monaco-editor/features/contextmenu/register";
import "monaco-editor/features/wordHighlighter/register";
import "monaco-editor/features/wordOperations/register";
import "monaco-editor/features/indentation/register";
import "monaco-editor/features/cursorUndo/register";
import "monaco-editor/features/quickCommand/register";

import "monaco-editor/languages/definitions/python/register";
import "monaco-editor/languages/definitions/javascript/register";
import "monaco-editor/languages/definitions/shell/register";

declare global {
  interface Window {
    MonacoEnvironment?: { getWorker(workerId: string, label: string): Worker };
  }
}

window.MonacoEnvironment = {
  getWorker: () => new EditorWorker(),
};

export { monaco };
export { languageOf } from "./language";
