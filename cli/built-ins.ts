// The shipped card profiles and terminal configurations as the build validated them (built-ins-generate.ts writes
// dist/built-ins.json at `npm run build`): a built-in file whose SHA-256 the build listed is used without loading
// zod or validating it again, and the default issuer host takes the key sets the build derived from every profile.
// Anything else (a file path, a changed or new file, no artefact as when running the sources) returns undefined:
// the caller then loads and validates as before, with the same error messages.

import { createHash } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { basename, join } from "node:path";
import { fileURLToPath } from "node:url";
import { builtInPaypassProfileDir } from "../emulator/contactless/paypass-ids.js";
import type { IssuerKeySet } from "../emulator/host/config.js";
import { defaultHostConfigWith } from "../emulator/host/default-base.js";
import { SimulatedIssuerHost } from "../emulator/host/issuer-host.js";
import { builtInProfileDir, type CardProfile, toCardProfile } from "../emulator/profile-data.js";
import type { ProfileJson } from "../emulator/profile-schema.js";
import { fromHex } from "../emv/bytes.js";
import type { CaPublicKey, CaPublicKeyJson } from "../emv/crypto/capk.js";
import type { TerminalConfigJson } from "../kernel/config/schema.js";
import { type ConfigResult, dataDir, loadCaKeySet, toTerminalConfig } from "../kernel/config/terminal-data.js";

/** What the build vouches for. */
export interface BuiltIns {
  readonly format: 1;
  /**
   * "profiles/<id>.json" / "terminals/<id>.json" → SHA-256 (hex) of a file that validates and whose JSON is the
   * schema's output; "capks/<name>.json" → of a CA key set that loadCaKeySet accepts (checksums included) and that
   * caKeysAsChecked converts to the same keys.
   */
  readonly files: Readonly<Record<string, string>>;
  /** The default host's key sets and the digest of the profile files they were derived from (sourcesDigest). */
  readonly host: { readonly sources: string; readonly issuers: readonly IssuerKeySet[] };
}

/** Where the build writes the artefact: next to dist/cli/, i.e. dist/built-ins.json. */
export const BUILT_INS_FILE = fileURLToPath(new URL("../built-ins.json", import.meta.url));

let cached: BuiltIns | null | undefined;

/** The build's artefact, or null when there is none (the sources) or it cannot be read. */
export function readBuiltIns(file = BUILT_INS_FILE): BuiltIns | null {
  try {
    const json = JSON.parse(readFileSync(file, "utf8")) as Partial<BuiltIns>;
    return json.format === 1 && json.files && json.host ? (json as BuiltIns) : null;
  } catch {
    return null;
  }
}

function builtIns(): BuiltIns | null {
  if (cached === undefined) cached = readBuiltIns();
  return cached;
}

export function sha256(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}

const ID = /^[a-z0-9][a-z0-9-]*$/;

/** The parsed JSON of a built-in file the build validated, when its content is still what the build saw. */
function vouched(key: string, file: string, artefact: BuiltIns | null): unknown {
  const sum = artefact?.files[key];
  if (sum === undefined) return undefined;
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch {
    return undefined;
  }
  return sha256(text) === sum ? JSON.parse(text) : undefined;
}

/** A built-in card profile by id (emulator/profiles/<id>.json), as loadProfile would give it. */
export function builtInProfile(id: string, artefact = builtIns()): CardProfile | undefined {
  if (!ID.test(id)) return undefined;
  const file = join(builtInProfileDir(), `${id}.json`);
  const json = vouched(`profiles/${id}.json`, file, artefact);
  return json === undefined ? undefined : toCardProfile(json as ProfileJson, file);
}

/** A built-in terminal configuration by id (kernel/config/terminals/<id>.json), as loadTerminalConfig would give it. */
export function builtInTerminalConfig(id: string, artefact = builtIns()): ConfigResult | undefined {
  if (!ID.test(id)) return undefined;
  const file = join(dataDir("terminals"), `${id}.json`);
  const json = vouched(`terminals/${id}.json`, file, artefact);
  if (json === undefined) return undefined;
  const caKeySet = (name: string) => {
    const keys = builtInCaKeySet(name, artefact);
    return keys ? { ok: true as const, keys } : loadCaKeySet(name);
  };
  return toTerminalConfig(json as TerminalConfigJson, basename(file), caKeySet);
}

/**
 * The keys of a CA key set file whose hex and checksums were checked (by caPublicKeyFromJson, at build): bytes
 * as they are, the checksums not computed again.
 */
export function caKeysAsChecked(json: unknown): CaPublicKey[] {
  const list = (Array.isArray(json) ? json : (json as { keys: unknown[] }).keys) as CaPublicKeyJson[];
  return list.map((k) => ({
    rid: fromHex(k.rid),
    index: Number.parseInt(k.index, 16),
    modulus: fromHex(k.modulus),
    exponent: fromHex(k.exponent),
    ...(typeof k.expiry === "string" ? { expiry: k.expiry } : {}),
    ...(typeof k.checksum === "string" ? { checksum: fromHex(k.checksum) } : {}),
  }));
}

/** A shipped CA key set (kernel/config/capks/<name>.json), as loadCaKeySet would give its keys. */
export function builtInCaKeySet(name: string, artefact = builtIns()): CaPublicKey[] | undefined {
  if (!ID.test(name)) return undefined;
  const json = vouched(`capks/${name}.json`, join(dataDir("capks"), `${name}.json`), artefact);
  return json === undefined ? undefined : caKeysAsChecked(json);
}

/**
 * The digest of every file the default host's key sets come from: the built-in profiles and the Mastercard-style
 * ones, by name and content, in directory order.
 */
export function hostSourcesDigest(): string {
  const h = createHash("sha256");
  for (const dir of [builtInProfileDir(), builtInPaypassProfileDir()]) {
    for (const name of readdirSync(dir)
      .filter((f) => f.endsWith(".json"))
      .sort()) {
      h.update(`${basename(dir)}/${name}\n`);
      h.update(readFileSync(join(dir, name)));
      h.update("\n");
    }
  }
  return h.digest("hex");
}

/** The default issuer host (emulator/host/default.ts) with the build's key sets, when the profiles are unchanged. */
export function builtInDefaultHost(artefact = builtIns()): SimulatedIssuerHost | undefined {
  if (!artefact || hostSourcesDigest() !== artefact.host.sources) return undefined;
  return new SimulatedIssuerHost(defaultHostConfigWith(artefact.host.issuers));
}
