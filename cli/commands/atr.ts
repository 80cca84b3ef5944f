// `emvsim atr <hex>`: explain an Answer to Reset (ISO 7816-3 §8, EMV Book 1 §8.3).

import { fromHex } from "../../emv/bytes.js";
import { explainAtr, parseAtr } from "../../transport/atr.js";
import { type Command, UsageError } from "../command.js";

export const command: Command = {
  name: "atr",
  summary: "explain an Answer to Reset (interface bytes, protocols, EMV remarks)",
  usage: [
    "Usage: emvsim atr <hex> [--json]",
    "       emvsim atr --reader <uri> [--json]   (the ATR of the card in a reader, e.g. pcsc:)",
    "",
    "Explains an ATR: TS, T0, TA/TB/TC/TD chains, historical bytes, TCK, protocols, Fi/Di, IFSC, BWI/CWI,",
    "and lists deviations from EMV Book 1 §8.3. Use '-' to read the hex from standard input.",
  ].join("\n"),
  async run(args, io) {
    const json = args.includes("--json");
    const rest = args.filter((a) => a !== "--json");
    let bytes: Uint8Array;
    if (rest[0] === "--reader") {
      if (rest.length !== 2) throw new UsageError("--reader needs a reader URI (see 'emvsim atr --help')");
      const { openReader } = await import("../../serve/readers.js");
      const ch = await openReader(rest[1]);
      try {
        if (!ch.atr) throw new UsageError(`${ch.description}: the reader gives no ATR`);
        bytes = ch.atr;
      } finally {
        await ch.close();
      }
    } else {
      if (rest.length !== 1) throw new UsageError("expected one ATR in hex (see 'emvsim atr --help')");
      const text = rest[0] === "-" ? (await io.readStdin()).trim() : rest[0]!;
      bytes = fromHex(text, "ATR");
    }
    const atr = parseAtr(bytes);
    if (json) {
      const { bytes, historical, ...rest2 } = atr;
      io.out(
        JSON.stringify({
          ...rest2,
          hex: Buffer.from(bytes).toString("hex").toUpperCase(),
          historical: Buffer.from(historical).toString("hex").toUpperCase(),
        }),
      );
    } else {
      io.out(explainAtr(atr));
    }
    return 0;
  },
};
