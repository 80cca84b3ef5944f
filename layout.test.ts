// The layout rule (README "Layout"): every import in the tree is read and checked against the layers
//   emv <- transport <- kernel;  emv <- transport <- emulator;  devices -> transport, emv;  online -> emv (the
//   network link to an issuer host: ISO 8583, TLS);  serve -> devices, emulator, online, transport, emv;
//   cli, certification-tests, bench and fuzz above all;
// production code never imports test code (*.test.ts, testing/ folders; only bench/ drives the hardware test
// harnesses), and production imports have no cycles.

import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, normalize, relative, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const ROOT = dirname(fileURLToPath(import.meta.url));

/** What each top-level folder may import (besides itself). */
const ALLOWED: Readonly<Record<string, readonly string[]>> = {
  emv: [],
  transport: ["emv"],
  online: ["emv"],
  kernel: ["emv", "transport"],
  emulator: ["emv", "transport"],
  devices: ["emv", "transport"],
  serve: ["emv", "transport", "online", "emulator", "devices"],
  "certification-tests": ["emv", "transport", "online", "kernel", "emulator", "devices", "serve"],
  cli: ["emv", "transport", "online", "kernel", "emulator", "devices", "serve", "certification-tests"],
  bench: ["emv", "transport", "online", "kernel", "emulator", "devices", "serve", "certification-tests", "cli"],
  fuzz: ["emv", "transport", "online", "kernel", "emulator", "devices", "serve", "certification-tests", "cli"],
};

/** npm packages that talk to hardware: only devices/ (and what stands above it) may load them. */
const DEVICE_PACKAGES = ["@pokusew/pcsclite", "serialport", "@serialport/", "node-hid"];
const DEVICE_PACKAGE_USERS = new Set(["devices", "serve", "cli", "bench", "fuzz"]);

interface ImportEdge {
  readonly from: string;
  readonly to: string;
  readonly specifier: string;
  readonly line: number;
}

interface ImportScan {
  readonly files: readonly string[];
  readonly edges: readonly ImportEdge[];
  readonly packages: readonly ImportEdge[];
}

const IMPORT_RE =
  /(?:^|[\s;])(?:import|export)\s+(?:type\s+)?(?:[\w*{}\s,$]+?\s+from\s+)?["']([^"']+)["']|import\(\s*["']([^"']+)["']\s*\)/g;

function walk(dir: string, out: string[]): void {
  for (const name of readdirSync(dir)) {
    if (
      name === "node_modules" ||
      name === "dist" ||
      name === "dist-bench" ||
      name === "dist-fuzz" ||
      name.startsWith(".")
    )
      continue;
    const path = join(dir, name);
    if (statSync(path).isDirectory()) walk(path, out);
    else if (name.endsWith(".ts")) out.push(relative(ROOT, path).split(sep).join("/"));
  }
}

function scanImports(): ImportScan {
  const files: string[] = [];
  for (const top of Object.keys(ALLOWED)) if (existsSync(join(ROOT, top))) walk(join(ROOT, top), files);
  const edges: ImportEdge[] = [];
  const packages: ImportEdge[] = [];
  for (const file of files) {
    const text = readFileSync(join(ROOT, file), "utf8");
    const lines = text.split("\n");
    lines.forEach((lineText, index) => {
      if (lineText.trimStart().startsWith("//") || lineText.trimStart().startsWith("*")) return;
      for (const m of lineText.matchAll(IMPORT_RE)) {
        const specifier = m[1] ?? m[2];
        if (!specifier) continue;
        if (specifier.startsWith(".")) {
          const to = normalize(join(dirname(file), specifier))
            .split(sep)
            .join("/")
            .replace(/\.js$/, ".ts");
          edges.push({ from: file, to, specifier, line: index + 1 });
        } else if (!specifier.startsWith("node:")) {
          packages.push({ from: file, to: specifier, specifier, line: index + 1 });
        }
      }
    });
  }
  return { files, edges, packages };
}

function isTestCode(file: string): boolean {
  return file.endsWith(".test.ts") || file.split("/").includes("testing");
}

const layerOf = (file: string): string => file.split("/")[0] ?? "";
const where = (e: ImportEdge) => `${e.from}:${e.line} imports "${e.specifier}"`;

/** Layer violations: production files importing a layer they may not, or test code. */
function layerViolations(scan: ImportScan): string[] {
  const out: string[] = [];
  for (const e of scan.edges) {
    if (isTestCode(e.from)) continue;
    // The bench drives real pcscd/socat through the test harnesses; it is built apart (tsconfig.bench.json).
    if (isTestCode(e.to) && layerOf(e.from) !== "bench") {
      out.push(`${where(e)}: production code imports test code`);
      continue;
    }
    const from = layerOf(e.from);
    const to = layerOf(e.to);
    if (from === to) continue;
    if (!(ALLOWED[from] ?? []).includes(to)) out.push(`${where(e)}: ${from}/ may not import ${to}/`);
  }
  for (const e of scan.packages) {
    if (isTestCode(e.from)) continue;
    if (DEVICE_PACKAGES.some((p) => e.to.startsWith(p)) && !DEVICE_PACKAGE_USERS.has(layerOf(e.from)))
      out.push(`${where(e)}: only devices/ talks to reader hardware`);
  }
  return out;
}

/** Import cycles among production files, each as "a -> b -> ... -> a". */
function importCycles(scan: ImportScan): string[] {
  const graph = new Map<string, string[]>();
  for (const e of scan.edges) {
    if (isTestCode(e.from) || isTestCode(e.to)) continue;
    const list = graph.get(e.from) ?? [];
    list.push(e.to);
    graph.set(e.from, list);
  }
  const cycles: string[] = [];
  const state = new Map<string, "open" | "done">();
  const stack: string[] = [];
  const visit = (node: string): void => {
    state.set(node, "open");
    stack.push(node);
    for (const next of graph.get(node) ?? []) {
      const s = state.get(next);
      if (s === "open") cycles.push([...stack.slice(stack.indexOf(next)), next].join(" -> "));
      else if (s === undefined) visit(next);
    }
    stack.pop();
    state.set(node, "done");
  };
  for (const node of [...graph.keys()].sort()) if (!state.has(node)) visit(node);
  return cycles;
}

describe("layout rule", () => {
  const scan = scanImports();

  it("reads the whole tree", () => {
    expect(scan.files.length).toBeGreaterThan(200);
    expect(scan.edges.length).toBeGreaterThan(1000);
  });

  it("every relative import names a file that exists", () => {
    const known = new Set(scan.files);
    const missing = scan.edges.filter((e) => !known.has(e.to) && !e.to.endsWith(".json")).map(where);
    expect(missing).toEqual([]);
  });

  it("each layer imports only the layers below it, and production code never imports test code", () => {
    expect(layerViolations(scan)).toEqual([]);
  });

  it("production imports have no cycles", () => {
    expect(importCycles(scan)).toEqual([]);
  });

  it("the card side (emulator/) never imports the terminal side (kernel/)", () => {
    const crossings = scan.edges.filter((e) => layerOf(e.from) === "emulator" && layerOf(e.to) === "kernel");
    expect(crossings.filter((e) => !isTestCode(e.from)).map(where)).toEqual([]);
  });

  it("names the file and the import that break the rule", () => {
    const bad: ImportScan = {
      files: ["emv/a.ts", "kernel/b.ts", "emulator/c.ts", "emv/d.ts"],
      edges: [
        { from: "emv/a.ts", to: "kernel/b.ts", specifier: "../kernel/b.js", line: 3 },
        { from: "emulator/c.ts", to: "kernel/b.ts", specifier: "../kernel/b.js", line: 7 },
        { from: "kernel/b.ts", to: "kernel/testing/x.ts", specifier: "./testing/x.js", line: 2 },
        { from: "emv/d.ts", to: "emv/a.ts", specifier: "./a.js", line: 1 },
        { from: "emv/a.ts", to: "emv/d.ts", specifier: "./d.js", line: 4 },
      ],
      packages: [{ from: "kernel/b.ts", to: "serialport", specifier: "serialport", line: 9 }],
    };
    expect(layerViolations(bad)).toEqual([
      'emv/a.ts:3 imports "../kernel/b.js": emv/ may not import kernel/',
      'emulator/c.ts:7 imports "../kernel/b.js": emulator/ may not import kernel/',
      'kernel/b.ts:2 imports "./testing/x.js": production code imports test code',
      'kernel/b.ts:9 imports "serialport": only devices/ talks to reader hardware',
    ]);
    expect(importCycles(bad)).toEqual(["emv/a.ts -> emv/d.ts -> emv/a.ts"]);
  });
});
