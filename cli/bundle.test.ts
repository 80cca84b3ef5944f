import type { ModuleInfo } from "rollup";
import { describe, expect, it } from "vitest";
import { staticClosure } from "./bundle.js";

/** A module graph: id → static imports, dynamic imports. */
function graph(edges: Record<string, [string[], string[]]>): (id: string) => ModuleInfo | null {
  return (id) => {
    const e = edges[id];
    return e ? ({ id, importedIds: e[0], dynamicallyImportedIds: e[1] } as unknown as ModuleInfo) : null;
  };
}

describe("cli/bundle.ts: the run chunk", () => {
  it("is what the run command reaches through static imports: not its dynamic imports, nor npm packages", () => {
    const info = graph({
      "/d/cli/commands/run.js": [["/d/kernel/a.js", "/d/emv/b.js"], ["/d/kernel/config/load.js"]],
      "/d/kernel/a.js": [["/d/emv/b.js", "node:crypto"], []],
      "/d/emv/b.js": [["/d/kernel/a.js"], []],
      "/d/kernel/config/load.js": [["/d/kernel/config/schema.js"], []],
      "/d/kernel/config/schema.js": [["zod"], []],
    });
    expect([...staticClosure("/d/cli/commands/run.js", info)].sort()).toEqual([
      "/d/cli/commands/run.js",
      "/d/emv/b.js",
      "/d/kernel/a.js",
    ]);
  });
});
