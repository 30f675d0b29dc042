/**
 * The trace as a tree (no VS Code here): branches at the top, each span (an operation, a model
 * call, a tool call) under the span it happened in, messages and errors under theirs. A span's
 * `*_start` and `*_end` are one node; what the start carried (a tool's arguments) and what the
 * end carried (its result, an error) are its first and last children.
 */

import type { TraceBranch, TraceEvent } from "./events";

export type NodeKind = "branch" | "span" | "event" | "part";

export interface TraceNode {
  /** Unique within one run's trace, stable as events arrive. */
  readonly key: string;
  readonly kind: NodeKind;
  readonly parent: TraceNode | null;
  readonly children: TraceNode[];
  /** branch: its Branch; others: the branch they belong to, if known. */
  readonly branch?: TraceBranch | undefined;
  /** event: the event; part: the span event whose content it shows. */
  event?: TraceEvent;
  /** span: its `*_start` (missing when only the end arrived) and its `*_end` once it ended. */
  start?: TraceEvent;
  end?: TraceEvent;
  /** part: which content of its span. */
  readonly part?: "input" | "output";
  /** branch: what it holds, for its description. */
  stats?: BranchStats;
}

export interface BranchStats {
  events: number;
  tokensIn: number;
  tokensOut: number;
  errors: number;
}

export class TraceTree {
  readonly roots: TraceNode[] = [];
  readonly events: TraceEvent[] = [];
  private readonly branches = new Map<string, TraceNode>();
  private readonly spans = new Map<string, TraceNode>();
  private readonly seen = new Set<number>();
  private readonly keys = new Map<string, TraceNode>();
  private count = 0;

  /** Adds events in the order they happened; an event seen before (same `seq`) is skipped. */
  add(events: readonly TraceEvent[]): number {
    let added = 0;
    for (const event of events) {
      if (event.seq !== undefined) {
        if (this.seen.has(event.seq)) continue;
        this.seen.add(event.seq);
      }
      this.events.push(event);
      this.place(event);
      added++;
    }
    return added;
  }

  get size(): number {
    return this.events.length;
  }

  find(key: string): TraceNode | undefined {
    return this.keys.get(key);
  }

  private remember(n: TraceNode): TraceNode {
    this.keys.set(n.key, n);
    return n;
  }

  private place(event: TraceEvent): void {
    this.count++;
    if (event.kind === "truncated") {
      this.roots.push(this.remember(node(`e${this.count}`, "event", null, event.branch, { event })));
      return;
    }
    const branch = this.branchNode(event.branch);
    const stats = branch.stats;
    if (stats !== undefined) {
      stats.events++;
      if (event.kind === "model_end") {
        stats.tokensIn += event.tokensIn ?? 0;
        stats.tokensOut += event.tokensOut ?? 0;
      }
      if (event.kind === "error" || event.status === "error") stats.errors++;
    }
    const ending = event.kind.endsWith("_end");
    if (event.span !== undefined && (event.kind.endsWith("_start") || ending)) {
      const open = this.spans.get(event.span);
      if (ending && open !== undefined && open.end === undefined) {
        open.end = event;
        if (event.content) open.children.push(this.remember(node(`${open.key}.output`, "part", open, open.branch, { event, part: "output" })));
        return;
      }
      const parent = this.container(event, branch);
      const span = this.remember(node(`s${this.count}`, "span", parent, event.branch, ending ? { end: event } : { start: event }));
      parent.children.push(span);
      this.spans.set(event.span, span);
      if (event.content) {
        const part = ending ? "output" : "input";
        span.children.push(this.remember(node(`${span.key}.${part}`, "part", span, event.branch, { event, part })));
      }
      return;
    }
    const parent = this.container(event, branch);
    parent.children.push(this.remember(node(`e${this.count}`, "event", parent, event.branch, { event })));
  }

  /** The span the event happened inside, else its branch. */
  private container(event: TraceEvent, branch: TraceNode): TraceNode {
    const span = event.parent === undefined ? undefined : this.spans.get(event.parent);
    return span ?? branch;
  }

  private branchNode(branch: TraceBranch | undefined): TraceNode {
    const id = branch?.id ?? "";
    let found = this.branches.get(id);
    if (found === undefined) {
      found = this.remember(node(`b${this.branches.size + 1}`, "branch", null, branch, {
        stats: { events: 0, tokensIn: 0, tokensOut: 0, errors: 0 },
      }));
      this.branches.set(id, found);
      this.roots.push(found);
    }
    return found;
  }
}

function node(
  key: string,
  kind: NodeKind,
  parent: TraceNode | null,
  branch: TraceBranch | undefined,
  extra: Partial<Pick<TraceNode, "event" | "start" | "end" | "part" | "stats">>,
): TraceNode {
  return { key, kind, parent, children: [], branch, ...extra };
}

/** The events a node stands for (a span: its start and end), for its document. */
export function nodeEvents(n: TraceNode): TraceEvent[] {
  if (n.kind === "span") return [n.start, n.end].filter((e): e is TraceEvent => e !== undefined);
  return n.event === undefined ? [] : [n.event];
}

/** A span's kind without `_start`/`_end`: `operation`, `model` or `tool`. */
export function spanKind(n: TraceNode): string {
  const kind = (n.start ?? n.end)?.kind ?? "";
  return kind.replace(/_(start|end)$/, "");
}
