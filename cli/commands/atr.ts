// `emvsim atr <hex>`: explain an Answer to Reset (ISO 7816-3 §8, EMV Book 1 §8.3).

import { fromHex } from "../../kernel/bytes.js";
import { explainAtr, parseAtr } from "../../transport/atr.js";
import { type Command, UsageError } from "../command.js";

export const command: Command = {
  name: "atr",
  summary: "explain an Answer to Reset (interface bytes, protocols, EMV remarks)",
  usage: [
    "Usage: emvsim atr <hex> [--json]",
    "",
    "Explains an ATR: TS, T0, TA/TB/TC/TD chains, historical bytes, TCK, protocols, Fi/Di, IFSC, BWI/CWI,",
    "and lists deviations from EMV Book 1 §8.3. Use '-' to read the hex from standard input.",
  ].join("\n"),
  async run(args, io) {
    const json = args.includes("--json");
    const rest = args.filter((a) => a !== "--json");
    if (rest.length !== 1) throw new UsageError("expected one ATR in hex (see 'emvsim atr --help')");
    const text = rest[0] === "-" ? (await io.readStdin()).trim() : rest[0]!;
    const atr = parseAtr(fromHex(text, "ATR"));
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
