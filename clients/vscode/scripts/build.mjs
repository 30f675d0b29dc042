// Bundles the extension (and the shared OT package, from its TypeScript source) into one file
// for VS Code's extension host: CommonJS, Node, `vscode` provided by the host.
import { build } from "esbuild";

await build({
  entryPoints: ["src/extension.ts"],
  bundle: true,
  outfile: "dist/extension.js",
  platform: "node",
  format: "cjs",
  target: "node20",
  // ws loads these native speed-ups only if they are installed; it works without them.
  external: ["vscode", "bufferutil", "utf-8-validate"],
  sourcemap: true,
  sourcesContent: false,
  minify: process.env.MINIFY === "1",
  logLevel: "warning",
});
