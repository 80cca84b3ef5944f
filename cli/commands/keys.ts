// `emvsim keys`: the CA public keys a terminal needs to check the emulator's cards (the test CA under RID
// A000000999), as JSON with the Book 2 §11.2 checksum (SHA-1 of RID ‖ index ‖ modulus ‖ exponent).

import { caKeys } from "../../emulator/keystore.js";
import { fromHex, toHex } from "../../kernel/bytes.js";
import { capkChecksum } from "../../kernel/crypto/capk.js";
import { type CliIo, type Command, UsageError } from "../command.js";

export interface ExportedCaKey {
  rid: string;
  index: string;
  modulus: string;
  exponent: string;
  checksum: string;
  expiry: string;
}

export function exportedCaKeys(): ExportedCaKey[] {
  return caKeys().map((k) => {
    const checksum = capkChecksum({
      rid: fromHex(k.rid),
      index: k.index,
      modulus: k.modulus,
      exponent: k.exponent,
    });
    return {
      rid: k.rid,
      index: k.index.toString(16).toUpperCase().padStart(2, "0"),
      modulus: toHex(k.modulus),
      exponent: toHex(k.exponent),
      checksum: toHex(checksum),
      expiry: k.expiry,
    };
  });
}

export const command: Command = {
  name: "keys",
  summary: "export the emulator's test CA public keys for the terminal",
  usage: [
    "Usage: emvsim keys",
    "",
    "Prints the CA public keys of the emulator's test CA (RID A000000999) as a JSON array:",
    '  [{ "rid", "index", "modulus", "exponent", "checksum", "expiry" }]',
    "checksum = SHA-1(RID ‖ index ‖ modulus ‖ exponent) (EMV Book 2 §11.2); expiry YYMMDD.",
  ].join("\n"),
  async run(args: string[], io: CliIo): Promise<number> {
    const unknown = args.filter((a) => a !== "--json");
    if (unknown.length > 0) throw new UsageError(`unknown option '${unknown[0]}' (try 'emvsim keys --help')`);
    io.out(JSON.stringify(exportedCaKeys(), null, 2));
    return 0;
  },
};
