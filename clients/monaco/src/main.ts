/**
 * The page's first module, kept small: it opens the WebSocket and starts the handshake and the
 * start-up's requests (boot.ts) at once, while the rest of the page (app.ts: Monaco, the panels,
 * xterm.js) downloads and evaluates as a separate chunk. Network round trips and script
 * evaluation then overlap instead of following one another; app.ts takes the answers over.
 */

import "./styles.css";

import { Boot } from "./boot";
import { Connection } from "./connection/connection";
import { describeError } from "./connection/rpc";
import { LspSession } from "./lsp/session";

const connection = new Connection(location);
const boot = new Boot(connection, new LspSession(connection));
connection.start();

import("./app").then(
  (app) => app.start(boot),
  (error: unknown) => {
    const root = document.getElementById("editor");
    if (root === null) return;
    const note = document.createElement("div");
    note.className = "panel-error start-error";
    note.dataset.testid = "start-error";
    note.textContent = `The page could not load: ${describeError(error)}. Reload to try again.`;
    root.replaceChildren(note);
  },
);
