// The extension's server, started exactly as its configuration says (the defaults of
// lionagiPlayground.server.path and .server.args in package.json, found on PATH), driven over
// stdio with vscode-jsonrpc, the library vscode-languageclient speaks through: lionagi
// diagnostics, a quick fix, completion after `Branch().`, a run with input, the lessons.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { after, before, test } from "node:test";
import { pathToFileURL } from "node:url";
import * as rpc from "vscode-jsonrpc/node";

const TIMEOUT_MS = 60_000;
const manifest = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8"));
const settings = manifest.contributes.configuration.properties;
const command = settings["lionagiPlayground.server.path"].default;
const args = settings["lionagiPlayground.server.args"].default;

const uri = pathToFileURL("/tmp/lionagi-playground-protocol-test/main.py").href;
const code =
  "from lionagi import Branch\n\n\n" +
  "async def main() -> None:\n" +
  "    branch = Branch()\n" +
  "    reply = branch.communicate('hi')\n" +
  "    print(reply)\n";

let server;
let connection;
const notifications = [];
const waiters = [];

/** Resolves with the first notification (seen or to come) that `match` accepts. */
function notification(match, what) {
  const seen = notifications.find(match);
  if (seen) return Promise.resolve(seen);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ${what} within ${TIMEOUT_MS} ms`)), TIMEOUT_MS);
    waiters.push({ match, resolve: (n) => (clearTimeout(timer), resolve(n)) });
  });
}

before(async () => {
  server = spawn(command, args, { stdio: ["pipe", "pipe", "inherit"] });
  await new Promise((resolve, reject) => {
    server.once("spawn", resolve);
    server.once("error", reject);
  });
  connection = rpc.createMessageConnection(
    new rpc.StreamMessageReader(server.stdout),
    new rpc.StreamMessageWriter(server.stdin),
  );
  connection.onNotification((method, params) => {
    const n = { method, params };
    notifications.push(n);
    for (const w of waiters.filter((w) => w.match(n))) {
      waiters.splice(waiters.indexOf(w), 1);
      w.resolve(n);
    }
  });
  connection.onRequest(() => null); // workspace/configuration, client/registerCapability ...
  connection.listen();
  const init = await connection.sendRequest("initialize", {
    processId: process.pid,
    rootUri: null,
    capabilities: {
      general: { positionEncodings: ["utf-16"] },
      textDocument: {
        publishDiagnostics: { relatedInformation: true, versionSupport: true },
        completion: { completionItem: { snippetSupport: true, resolveSupport: { properties: ["documentation", "detail"] } } },
        codeAction: { codeActionLiteralSupport: { codeActionKind: { valueSet: ["quickfix"] } } },
      },
    },
  });
  assert.ok(init.capabilities.completionProvider, "the server offers completion");
  await connection.sendNotification("initialized", {});
  await connection.sendNotification("textDocument/didOpen", {
    textDocument: { uri, languageId: "python", version: 1, text: code },
  });
});

after(async () => {
  try {
    await connection.sendRequest("shutdown");
    await connection.sendNotification("exit");
  } finally {
    connection.dispose();
    server.kill();
  }
});

test("a lionagi diagnostic arrives, with a quick fix that adds the await", async () => {
  const published = await notification(
    (n) => n.method === "textDocument/publishDiagnostics" && n.params.uri === uri && n.params.diagnostics.some((d) => d.source === "lionagi"),
    "lionagi diagnostic",
  );
  const diagnostic = published.params.diagnostics.find((d) => d.source === "lionagi");
  assert.match(String(diagnostic.code), /^LION\d+$/);
  assert.equal(diagnostic.range.start.line, 5);
  const actions = await connection.sendRequest("textDocument/codeAction", {
    textDocument: { uri },
    range: diagnostic.range,
    context: { diagnostics: [diagnostic], only: ["quickfix"] },
  });
  const fix = actions.find((a) => a.kind === "quickfix" && JSON.stringify(a.edit).includes("await"));
  assert.ok(fix, `a fix with await among ${JSON.stringify(actions.map((a) => a.title))}`);
});

test("completion after Branch(). lists its methods", async () => {
  const text = "from lionagi import Branch\n\nBranch().";
  const other = uri.replace("main.py", "complete.py");
  await connection.sendNotification("textDocument/didOpen", {
    textDocument: { uri: other, languageId: "python", version: 1, text },
  });
  let labels = [];
  // The first answer may be the file's words while jedi warms up (marked incomplete).
  for (let attempt = 0; attempt < 30 && !labels.includes("communicate"); attempt++) {
    const answer = await connection.sendRequest("textDocument/completion", {
      textDocument: { uri: other },
      position: { line: 2, character: 9 },
      context: { triggerKind: 2, triggerCharacter: "." },
    });
    labels = (Array.isArray(answer) ? answer : answer.items).map((i) => i.label);
  }
  assert.ok(labels.includes("communicate"), labels.slice(0, 20).join(", "));
});

test("a run streams its output, takes input and ends with playground/exit", async () => {
  const { runId } = await connection.sendRequest("playground/run", {
    files: { "main.py": "name = input('name? ')\nprint('hello', name)\n" },
    entry: "main.py",
    limits: { timeout: 20 },
  });
  await notification((n) => n.method === "playground/output" && n.params.runId === runId && n.params.text.includes("name?"), "prompt");
  await connection.sendRequest("playground/stdin", { runId, text: "ada\n" });
  const exit = await notification((n) => n.method === "playground/exit" && n.params.runId === runId, "exit");
  assert.equal(exit.params.status, "ok");
  const out = notifications
    .filter((n) => n.method === "playground/output" && n.params.runId === runId)
    .map((n) => n.params.text)
    .join("");
  assert.match(out, /hello ada/);
});

test("lessons are listed and judged by the server", async () => {
  const list = await connection.sendRequest("playground/templates", {});
  assert.ok(list.templates.some((t) => t.id === "python-input"));
  const lesson = await connection.sendRequest("playground/templates/get", { id: "python-input" });
  assert.ok(lesson.files[lesson.entry] !== undefined);
  const verdict = await connection.sendRequest("playground/templates/check", { id: "python-input", stdout: "", exitCode: 0 });
  assert.equal(verdict.passed, false);
  assert.equal(typeof verdict.message, "string");
});
