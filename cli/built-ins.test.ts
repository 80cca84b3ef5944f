import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { defaultHostConfig } from "../emulator/host/default.js";
import { listProfiles, loadProfile } from "../emulator/profile.js";
import {
  builtInCaKeySetNames,
  builtInTerminalConfigIds,
  loadCaKeySet,
  loadTerminalConfig,
} from "../kernel/config/load.js";
import {
  type BuiltIns,
  builtInCaKeySet,
  builtInDefaultHost,
  builtInProfile,
  builtInTerminalConfig,
  readBuiltIns,
  sha256,
} from "./built-ins.js";
import { generateBuiltIns } from "./built-ins-generate.js";

const artefact = generateBuiltIns();

describe("built-ins (dist/built-ins.json, written at build)", () => {
  it("vouches for every shipped card profile, terminal configuration and CA key set: all validate, nothing changes", () => {
    const expected = [
      ...listProfiles().map((id) => `profiles/${id}.json`),
      ...builtInTerminalConfigIds().map((id) => `terminals/${id}.json`),
      ...builtInCaKeySetNames().map((name) => `capks/${name}.json`),
    ];
    expect(Object.keys(artefact.files)).toEqual(expected);
    const file = join(import.meta.dirname, "../emulator/profiles/visa-cvn18-cda.json");
    expect(artefact.files["profiles/visa-cvn18-cda.json"]).toBe(sha256(readFileSync(file, "utf8")));
  });

  it("gives every built-in profile exactly as loadProfile validates and converts it", () => {
    for (const id of listProfiles()) {
      const loaded = loadProfile(id);
      expect(loaded.ok).toBe(true);
      expect(builtInProfile(id, artefact)).toStrictEqual(loaded.ok ? loaded.value : undefined);
    }
  });

  it("gives every built-in terminal configuration exactly as loadTerminalConfig does", () => {
    for (const id of builtInTerminalConfigIds()) {
      expect(builtInTerminalConfig(id, artefact)).toStrictEqual(loadTerminalConfig(id));
    }
  });

  it("gives every shipped CA key set's keys exactly as loadCaKeySet checks and converts them", () => {
    for (const name of builtInCaKeySetNames()) {
      const loaded = loadCaKeySet(name);
      expect(loaded.ok).toBe(true);
      expect(builtInCaKeySet(name, artefact)).toStrictEqual(loaded.ok ? loaded.keys : undefined);
    }
  });

  it("the default host has the key sets defaultHostConfig derives from every profile", () => {
    expect(builtInDefaultHost(artefact)?.config).toStrictEqual(defaultHostConfig());
  });

  it("falls back (undefined) for a changed file, a changed profile set, an unknown id, a path, or no artefact", () => {
    const changed: BuiltIns = {
      ...artefact,
      files: {
        ...artefact.files,
        "profiles/visa-cvn18-cda.json": sha256("{}"),
        "terminals/atm.json": sha256(""),
        "capks/emvco-test.json": sha256(""),
      },
      host: { ...artefact.host, sources: sha256("") },
    };
    expect(builtInProfile("visa-cvn18-cda", changed)).toBeUndefined();
    expect(builtInProfile("amex-cda", changed)).toBeDefined();
    expect(builtInTerminalConfig("atm", changed)).toBeUndefined();
    expect(builtInCaKeySet("emvco-test", changed)).toBeUndefined();
    // A configuration naming a changed key set still has its keys: loaded and checked as without the artefact.
    expect(builtInTerminalConfig("attended-pos", changed)).toStrictEqual(loadTerminalConfig("attended-pos"));
    expect(builtInDefaultHost(changed)).toBeUndefined();
    expect(builtInProfile("no-such-card", artefact)).toBeUndefined();
    expect(builtInProfile("../profiles/visa-cvn18-cda", artefact)).toBeUndefined();
    expect(builtInTerminalConfig("kernel/config/terminals/atm.json", artefact)).toBeUndefined();
    expect(builtInProfile("visa-cvn18-cda", null)).toBeUndefined();
    expect(builtInTerminalConfig("attended-pos", null)).toBeUndefined();
    expect(builtInDefaultHost(null)).toBeUndefined();
  });

  it("reads the artefact back as written; a missing or foreign file is no artefact", () => {
    const dir = mkdtempSync(join(tmpdir(), "emvsim-built-ins-"));
    const file = join(dir, "built-ins.json");
    writeFileSync(file, JSON.stringify(artefact));
    expect(readBuiltIns(file)).toStrictEqual(artefact);
    expect(readBuiltIns(join(dir, "absent.json"))).toBeNull();
    writeFileSync(file, JSON.stringify({ format: 2, files: {}, host: {} }));
    expect(readBuiltIns(file)).toBeNull();
  });

  it("is written by the build (npm run build, run by npm ci through prepare) and by the bench build", () => {
    const pkg = JSON.parse(readFileSync(join(import.meta.dirname, "../package.json"), "utf8")) as {
      scripts: Record<string, string>;
    };
    expect(pkg.scripts["build"]).toBe(
      "tsc -p tsconfig.build.json && node dist/cli/built-ins-generate.js && node dist/cli/bundle.js",
    );
    expect(pkg.scripts["bench"]).toContain(
      "node dist-bench/cli/built-ins-generate.js && node dist-bench/cli/bundle.js &&",
    );
  });
});
