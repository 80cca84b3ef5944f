import { existsSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { projectDir } from "./project-files.js";

describe("projectDir", () => {
  it("finds a project directory by looking upwards from a module", () => {
    const dir = projectDir(import.meta.url, "emulator/profiles", "visa-cvn18-cda.json");
    expect(dir).toMatch(/emulator[/\\]profiles$/);
    expect(existsSync(`${dir}/visa-cvn18-cda.json`)).toBe(true);
  });

  it("gives the nearest candidate when the marker is nowhere", () => {
    expect(projectDir(import.meta.url, "no/such", "x.json")).toMatch(/emv[/\\]no[/\\]such$/);
  });
});
