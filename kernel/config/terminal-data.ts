// Terminal configurations without zod: built-in ids and data directories, CA key sets (kernel/config/capks/) and
// `--capk` files, and the conversion of a validated configuration (load.ts validates; cli/built-ins.ts converts the
// shipped ones checked at build directly).

import { readdirSync, readFileSync } from "node:fs";
import { basename, join, resolve } from "node:path";
import { fromHex, toHex } from "../../emv/bytes.js";
import { type CaPublicKey, caPublicKeyFromJson } from "../../emv/crypto/capk.js";
import { projectDir } from "../../emv/project-files.js";
import type { TerminalConfigJson } from "./schema.js";
import type { AidConfig, TerminalConfig } from "./types.js";

export type ConfigResult =
  | { readonly ok: true; readonly config: TerminalConfig }
  | { readonly ok: false; readonly error: string };
export type CaKeysResult =
  | { readonly ok: true; readonly keys: readonly CaPublicKey[] }
  | { readonly ok: false; readonly error: string };

export const DEFAULT_TERMINAL_CONFIG = "attended-pos";

/**
 * kernel/config in the sources; tsc does not copy JSON, so from dist/kernel/config (or a bundle elsewhere) the
 * project's kernel/config is found by looking upwards, as emulator/profile.ts finds the card profiles.
 */
export function dataDir(sub: "terminals" | "capks"): string {
  const marker = sub === "terminals" ? `${DEFAULT_TERMINAL_CONFIG}.json` : "emvsim-test.json";
  return projectDir(import.meta.url, `kernel/config/${sub}`, marker);
}

export function builtInTerminalConfigIds(): string[] {
  return readdirSync(dataDir("terminals"))
    .filter((f) => f.endsWith(".json"))
    .map((f) => f.slice(0, -5))
    .sort();
}

export function builtInCaKeySetNames(): string[] {
  return readdirSync(dataDir("capks"))
    .filter((f) => f.endsWith(".json"))
    .map((f) => f.slice(0, -5))
    .sort();
}

/** A JSON file, or one-line error naming `what` and the file. */
export function readJson(file: string, what: string): { ok: true; json: unknown } | { ok: false; error: string } {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    return { ok: false, error: `${what} ${file}: cannot read it (${code ?? (e as Error).message})` };
  }
  try {
    return { ok: true, json: JSON.parse(text) };
  } catch (e) {
    return { ok: false, error: `${what} ${file}: not valid JSON (${(e as Error).message})` };
  }
}

/** CA keys from JSON in the `emvsim keys` form: an array, or `{ "keys": [...] }`; checksums are checked. */
export function parseCaKeys(json: unknown, where: string): CaKeysResult {
  const list = Array.isArray(json) ? json : (json as { keys?: unknown } | null)?.keys;
  if (!Array.isArray(list))
    return { ok: false, error: `${where}: expected an array of CA keys (or { "keys": [...] })` };
  const keys: CaPublicKey[] = [];
  for (let i = 0; i < list.length; i++) {
    const r = caPublicKeyFromJson(list[i], `${where}[${i}]`);
    if (!r.ok) return { ok: false, error: r.error };
    keys.push(r.key);
  }
  return { ok: true, keys };
}

/** A `--capk` file. */
export function loadCaKeyFile(path: string): CaKeysResult {
  const r = readJson(resolve(path), "CA key file");
  if (!r.ok) return r;
  return parseCaKeys(r.json, basename(path));
}

/** A shipped CA key set by name (e.g. "emvco-test", "emvsim-test"). */
export function loadCaKeySet(name: string): CaKeysResult {
  if (!builtInCaKeySetNames().includes(name))
    return { ok: false, error: `unknown CA key set '${name}' (known: ${builtInCaKeySetNames().join(", ")})` };
  const r = readJson(join(dataDir("capks"), `${name}.json`), "CA key set");
  if (!r.ok) return r;
  return parseCaKeys(r.json, `capks/${name}.json keys`);
}

/**
 * A configuration validated by load.ts (schema and semantic rules) in the form the kernel uses; `caKeySet` reads
 * the CA key sets it names (cli/built-ins.ts passes one that takes the sets the build checked as they are).
 */
export function toTerminalConfig(
  c: TerminalConfigJson,
  where: string,
  caKeySet: (name: string) => CaKeysResult = loadCaKeySet,
): ConfigResult {
  // Later sets replace keys of the same RID and index: the emulator's test CA shadows a public test key it collides with.
  let caKeys: readonly CaPublicKey[] = [];
  for (const name of c.caKeySets ?? []) {
    const r = caKeySet(name);
    if (!r.ok) return { ok: false, error: `${where}: caKeySets: ${r.error}` };
    caKeys = mergeCaKeys(caKeys, r.keys);
  }
  if (c.caKeys) {
    const r = parseCaKeys(c.caKeys, "caKeys");
    if (!r.ok) return { ok: false, error: `${where}: ${r.error}` };
    caKeys = mergeCaKeys(caKeys, r.keys);
  }
  const aids: AidConfig[] = c.aids.map((a) => ({
    aid: fromHex(a.aid),
    partialSelection: a.partialSelection,
    applicationVersion: fromHex(a.applicationVersion),
    tacDenial: fromHex(a.tacDenial),
    tacOnline: fromHex(a.tacOnline),
    tacDefault: fromHex(a.tacDefault),
    floorLimit: a.floorLimit,
    randomSelection: { ...a.randomSelection },
    defaultDdol: fromHex(a.defaultDdol),
    defaultTdol: fromHex(a.defaultTdol),
    ...(a.label ? { label: a.label } : {}),
  }));
  const terminalData = new Map<number, Uint8Array>();
  for (const [tag, value] of Object.entries(c.terminalData ?? {}))
    terminalData.set(Number.parseInt(tag, 16), fromHex(value));
  return {
    ok: true,
    config: {
      id: c.id,
      description: c.description,
      terminalType: Number.parseInt(c.terminalType, 16),
      capabilities: fromHex(c.capabilities),
      additionalCapabilities: fromHex(c.additionalCapabilities),
      countryCode: Number.parseInt(c.countryCode, 10),
      currencyCode: Number.parseInt(c.currencyCode, 10),
      currencyExponent: c.currencyExponent,
      terminalData,
      aids,
      caKeys,
      revocationList: (c.revocationList ?? []).map((r) => ({
        rid: fromHex(r.rid),
        index: fromHex(r.index)[0]!,
        serialNumber: fromHex(r.serialNumber),
      })),
      exceptionFile: (c.exceptionFile ?? []).map((e) => ({
        pan: e.pan,
        ...(e.panSequenceNumber === undefined ? {} : { panSequenceNumber: e.panSequenceNumber }),
      })),
      onlineCapable: c.onlineCapable,
      pinPadPresent: c.pinPadPresent,
      ...(c.pinEncryptionKey ? { pinEncryptionKey: fromHex(c.pinEncryptionKey) } : {}),
      pinBypass: c.pinBypass,
      specVersion: c.specVersion,
      transactionLogEnabled: c.transactionLogEnabled,
      ...(c.languages ? { languages: c.languages } : {}),
      ...(c.cardholderSelection !== undefined ? { cardholderSelection: c.cardholderSelection } : {}),
    },
  };
}

/** The configuration with more CA keys (e.g. from `--capk`); a key with the same RID and index is replaced. */
export function withCaKeys(config: TerminalConfig, keys: readonly CaPublicKey[]): TerminalConfig {
  return { ...config, caKeys: mergeCaKeys(config.caKeys, keys) };
}

function mergeCaKeys(base: readonly CaPublicKey[], added: readonly CaPublicKey[]): CaPublicKey[] {
  const id = (k: CaPublicKey) => `${toHex(k.rid)}/${k.index}`;
  const replaced = new Set(added.map(id));
  return [...base.filter((k) => !replaced.has(id(k))), ...added];
}
