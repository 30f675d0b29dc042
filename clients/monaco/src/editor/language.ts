/** The editor language of a playground file, by its extension (no Monaco: the start-up uses it). */
export function languageOf(path: string): string {
  const dot = path.lastIndexOf(".");
  const extension = dot === -1 ? "" : path.slice(dot + 1).toLowerCase();
  switch (extension) {
    case "py":
    case "pyi":
      return "python";
    case "js":
    case "mjs":
    case "cjs":
      return "javascript";
    case "sh":
    case "bash":
      return "shell";
    default:
      return "plaintext";
  }
}
