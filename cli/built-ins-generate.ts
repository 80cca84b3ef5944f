// Build step (`npm run build`): validate every shipped card profile, terminal configuration and CA key set and write
// what cli/built-ins.ts trusts at run time (dist/built-ins.json): the SHA-256 of each file that validates and that
// the fast path converts to what the loader gives, and the default host's key sets with the digest of their sources.
// Never edited by hand; cli/built-ins.test.ts checks it against the schemas.

import { readFileSync, realpathSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { isDeepStrictEqual } from "node:util";
import { defaultHostKeySets } from "../emulator/host/default.js";
import { builtInProfileDir, listProfiles, loadProfile } from "../emulator/profile.js";
import { profileSchema } from "../emulator/profile-schema.js";
import {
  builtInCaKeySetNames,
  builtInTerminalConfigIds,
  dataDir,
  loadCaKeySet,
  loadTerminalConfig,
} from "../kernel/config/load.js";
import { terminalConfigSchema } from "../kernel/config/schema.js";
import { BUILT_INS_FILE, type BuiltIns, caKeysAsChecked, hostSourcesDigest, sha256 } from "./built-ins.js";

type Schema = { safeParse(v: unknown): { success: boolean; data?: unknown } };

/** The hash of a file when `valid` and `same(json)`: what the fast path makes of the JSON is what the loader gives. */
function vouch(file: string, valid: boolean, same: (json: unknown) => boolean): string | undefined {
  if (!valid) return undefined;
  const text = readFileSync(file, "utf8");
  return same(JSON.parse(text)) ? sha256(text) : undefined;
}

/** The schema gives back exactly the file's JSON (nothing defaulted or changed). */
function unchangedBy(schema: Schema): (json: unknown) => boolean {
  return (json) => {
    const parsed = schema.safeParse(json);
    return parsed.success && isDeepStrictEqual(parsed.data, json);
  };
}

/** The artefact for the files as they are now. */
export function generateBuiltIns(): BuiltIns {
  const files: Record<string, string> = {};
  for (const id of listProfiles()) {
    const sum = vouch(join(builtInProfileDir(), `${id}.json`), loadProfile(id).ok, unchangedBy(profileSchema));
    if (sum) files[`profiles/${id}.json`] = sum;
  }
  for (const id of builtInTerminalConfigIds()) {
    const sum = vouch(
      join(dataDir("terminals"), `${id}.json`),
      loadTerminalConfig(id).ok,
      unchangedBy(terminalConfigSchema),
    );
    if (sum) files[`terminals/${id}.json`] = sum;
  }
  for (const name of builtInCaKeySetNames()) {
    const r = loadCaKeySet(name);
    const same = (json: unknown) => r.ok && isDeepStrictEqual(caKeysAsChecked(json), r.keys);
    const sum = vouch(join(dataDir("capks"), `${name}.json`), r.ok, same);
    if (sum) files[`capks/${name}.json`] = sum;
  }
  return { format: 1, files, host: { sources: hostSourcesDigest(), issuers: defaultHostKeySets() } };
}

const entry = process.argv[1];
if (entry && realpathSync(entry) === fileURLToPath(import.meta.url)) {
  const out = process.argv[2] ?? BUILT_INS_FILE;
  const artefact = generateBuiltIns();
  writeFileSync(out, `${JSON.stringify(artefact)}\n`);
  const count = Object.keys(artefact.files).length;
  process.stdout.write(`built-ins: ${count} files, ${artefact.host.issuers.length} host key sets → ${out}\n`);
}
