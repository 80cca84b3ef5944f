// The built-in Mastercard-style contactless profiles (emulator/profiles/paypass/) by id, without the zod schema of
// paypass-profile.ts: `emvsim run` asks whether --card names one before loading anything.

import { readdirSync } from "node:fs";
import { projectDir } from "../../emv/project-files.js";

export function builtInPaypassProfileDir(): string {
  return projectDir(import.meta.url, "emulator/profiles/paypass", "mc-paypass-cda-tc.json");
}

export function builtInPaypassProfileIds(): string[] {
  return readdirSync(builtInPaypassProfileDir())
    .filter((f) => f.endsWith(".json"))
    .map((f) => f.slice(0, -5))
    .sort();
}
