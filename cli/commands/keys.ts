// `emvsim keys`: the CA public keys a terminal needs to check the emulator's cards — the test CA under its own RID
// A000000999 and under each RID and index a built-in card uses — as JSON with the Book 2 §11.2 checksum.

import { caPublicKeysForProfile } from "../../emulator/ca-keys.js";
import { caKeys } from "../../emulator/keystore.js";
import { listProfiles, loadProfile } from "../../emulator/profile.js";
import { fromHex, toHex } from "../../emv/bytes.js";
import { type CaPublicKey, type CaPublicKeyJson, caPublicKeyToJson } from "../../emv/crypto/capk.js";
import { type CliIo, type Command, parseOptions, UsageError } from "../command.js";

/** Every key once, by RID and index; with `--card` only those one profile needs. */
export function exportedCaKeys(profileId?: string): CaPublicKeyJson[] {
  const keys: CaPublicKey[] = [];
  const add = (k: CaPublicKey) => {
    if (!keys.some((x) => toHex(x.rid) === toHex(k.rid) && x.index === k.index)) keys.push(k);
  };
  if (profileId === undefined)
    for (const k of caKeys())
      add({ rid: fromHex(k.rid), index: k.index, modulus: k.modulus, exponent: k.exponent, expiry: k.expiry });
  for (const id of profileId === undefined ? listProfiles() : [profileId]) {
    const p = loadProfile(id);
    if (!p.ok) {
      if (profileId !== undefined) throw new UsageError(p.error.message.split("\n")[0] ?? `cannot load ${id}`);
      continue;
    }
    for (const k of caPublicKeysForProfile(p.value)) add(k);
  }
  keys.sort((a, b) => toHex(a.rid).localeCompare(toHex(b.rid)) || a.index - b.index);
  return keys.map(caPublicKeyToJson);
}

export const command: Command = {
  name: "keys",
  summary: "export the CA public keys a terminal needs for the emulator's cards",
  usage: [
    "Usage: emvsim keys [--card <profile id or path>]",
    "",
    "Prints, as a JSON array, the public keys of the emulator's test CA: under its own RID A000000999 and under",
    "each RID and index a built-in card uses (a terminal looks CA keys up by the card's RID and 8F). With --card,",
    "only the keys that card needs. Each entry:",
    '  { "rid", "index", "modulus", "exponent", "checksum", "expiry" }',
    "checksum = SHA-1(RID ‖ index ‖ modulus ‖ exponent) (EMV Book 2 §11.2); expiry YYMMDD. `emvsim run --capk` reads",
    "this format.",
  ].join("\n"),
  async run(args: string[], io: CliIo): Promise<number> {
    // --json is accepted for symmetry with the other commands: the output is always JSON.
    const card = parseOptions(args, ["--card"], ["--json"], "keys").values.get("--card");
    io.out(JSON.stringify(exportedCaKeys(card), null, 2));
    return 0;
  },
};
