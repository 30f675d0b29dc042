/** The TypeScript algebra against vectors made by ot.js itself (scripts/vectors.mjs). */
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";

import {
  type Operation,
  apply,
  compose,
  fromJSON,
  invert,
  transform,
  transformIndex,
} from "../src/index.js";

interface Case {
  fn: string;
  args: unknown[];
  result?: unknown;
  error?: true;
  ours?: "refuse";
}

const script = fileURLToPath(new URL("../../scripts/vectors.mjs", import.meta.url));

function vectors(seed: number, count: number): Case[] {
  const dir = mkdtempSync(join(tmpdir(), "ot-vectors-"));
  try {
    const out = join(dir, "vectors.json");
    execFileSync(process.execPath, [script, out, "--seed", String(seed), "--count", String(count)]);
    return JSON.parse(readFileSync(out, "utf8")) as Case[];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function run(c: Case): unknown {
  const [x, y] = c.args;
  switch (c.fn) {
    case "apply":
      return apply(x as string, fromJSON(y));
    case "compose":
      return compose(fromJSON(x), fromJSON(y));
    case "transform":
      return transform(fromJSON(x), fromJSON(y));
    case "invert":
      return invert(fromJSON(x), y as string);
    case "fromJSON":
      return fromJSON(x);
    case "transformIndex":
      return transformIndex(x as number, fromJSON(y) as Operation);
  }
  throw new Error(`unknown fn ${c.fn}`);
}

for (const seed of [1, 2, 3]) {
  test(`ot.js vectors, seed ${seed}`, () => {
    const cases = vectors(seed, 300);
    const fns = new Set(cases.map((c) => c.fn));
    assert.equal(fns.size, 6);
    assert.ok(cases.some((c) => c.error), "some cases are errors");
    for (const c of cases) {
      const label = JSON.stringify(c);
      if (c.error || c.ours === "refuse") {
        assert.throws(() => run(c), label);
      } else {
        assert.deepStrictEqual(run(c), c.result, label);
      }
    }
  });
}

test("vectors are deterministic for a seed", () => {
  assert.deepStrictEqual(vectors(7, 20), vectors(7, 20));
  assert.notDeepStrictEqual(vectors(7, 20), vectors(8, 20));
});
