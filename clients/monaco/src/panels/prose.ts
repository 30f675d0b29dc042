/**
 * A lesson's prose (a small Markdown subset: paragraphs, fenced code, `code`, **bold**) as DOM
 * nodes. Built node by node, never through innerHTML, so nothing in a lesson can become markup.
 */

import { h } from "../dom";

function inline(text: string): (Node | string)[] {
  const out: (Node | string)[] = [];
  const pattern = /`([^`]+)`|\*\*([^*]+)\*\*/g;
  let last = 0;
  for (const match of text.matchAll(pattern)) {
    const index = match.index ?? 0;
    if (index > last) out.push(text.slice(last, index));
    if (match[1] !== undefined) out.push(h("code", {}, match[1]));
    else if (match[2] !== undefined) out.push(h("strong", {}, match[2]));
    last = index + match[0].length;
  }
  if (last < text.length) out.push(text.slice(last));
  return out;
}

export function prose(markdown: string): HTMLElement {
  const root = h("div", { className: "prose" });
  let paragraph: string[] = [];
  let code: string[] | null = null;
  const flush = () => {
    const text = paragraph.join(" ").trim();
    if (text !== "") root.append(h("p", {}, ...inline(text)));
    paragraph = [];
  };
  for (const line of markdown.replace(/\r\n/g, "\n").split("\n")) {
    if (line.trimStart().startsWith("```")) {
      if (code === null) {
        flush();
        code = [];
      } else {
        root.append(h("pre", {}, h("code", {}, code.join("\n"))));
        code = null;
      }
    } else if (code !== null) {
      code.push(line);
    } else if (line.trim() === "") {
      flush();
    } else {
      paragraph.push(line.trim());
    }
  }
  if (code !== null) root.append(h("pre", {}, h("code", {}, code.join("\n"))));
  flush();
  return root;
}

export { inline as proseInline };
