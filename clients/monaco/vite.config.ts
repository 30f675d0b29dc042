/**
 * Builds the page into ../../server/web/dist (the gateway serves it at `/`, relative asset URLs).
 *
 * In development (`npm run dev`, `npm run preview`) the page's `/lsp` and `/health` are proxied
 * to a running `lionagi-playground lsp --ws` server, and the proxy adds its token: the page
 * itself never handles a token (the gateway gives it an HttpOnly cookie).
 *   PLAYGROUND_SERVER=127.0.0.1:8790 PLAYGROUND_TOKEN=T npm run dev
 */
import { defineConfig, type Plugin } from "vite";

const server = process.env.PLAYGROUND_SERVER ?? "127.0.0.1:8790";
const token = process.env.PLAYGROUND_TOKEN ?? "";

/** An invited page keeps its invitation and gets no token: it must reach only what it was given. */
function withToken(path: string): string {
  if (token === "" || /[?&]invite=/.test(path)) return path;
  return `${path}${path.includes("?") ? "&" : "?"}token=${encodeURIComponent(token)}`;
}

const proxy = {
  "/lsp": { target: `ws://${server}`, ws: true, rewrite: withToken },
  "/health": { target: `http://${server}` },
};

/**
 * The page's script is two chunks: `index` (main.ts: the connection and the start-up's requests)
 * and `app` (Monaco, the panels), which main.ts imports dynamically. The page's head asks for the
 * app chunk and its styles at once, beside the index chunk, instead of after main.ts has run
 * (preloads: neither holds up main.ts, which opens the WebSocket).
 */
function preloadApp(): Plugin {
  return {
    name: "playground-preload-app",
    apply: "build",
    transformIndexHtml: {
      order: "post",
      handler(_html, context) {
        const chunks = Object.values(context.bundle ?? {});
        const app = chunks.find((c) => c.type === "chunk" && c.isDynamicEntry && c.name === "app");
        if (app === undefined || app.type !== "chunk") throw new Error("no app chunk to preload");
        const styles = [...(app.viteMetadata?.importedCss ?? [])];
        return [
          { tag: "link", attrs: { rel: "modulepreload", crossorigin: true, href: `./${app.fileName}` }, injectTo: "head" },
          ...styles.map((href) => ({ tag: "link", attrs: { rel: "preload", as: "style", crossorigin: true, href: `./${href}` }, injectTo: "head" as const })),
        ];
      },
    },
  };
}

export default defineConfig({
  base: "./",
  plugins: [preloadApp()],
  build: {
    outDir: "../../server/web/dist",
    emptyOutDir: true,
    target: "es2022",
    sourcemap: false,
    chunkSizeWarningLimit: 4096,
    reportCompressedSize: true,
  },
  worker: { format: "es" },
  server: { host: "127.0.0.1", port: 5173, strictPort: true, proxy },
  preview: { host: "127.0.0.1", port: 4173, strictPort: true, proxy },
});
