// `emvsim decode`: BER-TLV data (EMV Book 3 Annex B) as an indented tree with names and values in words,
// or a command/response APDU pair (Book 3 §6.5) with the command named and the status word explained.

import { fromHex } from "../../emv/bytes.js";
import { type Disclosure, displayTlvValue, MASKED, UNMASKED } from "../../emv/sensitive.js";
import { decodeTlvs, type Tlv } from "../../emv/tlv/ber.js";
import { describeApduPair, type RenderOptions, renderTree, tlvName } from "../../transport/apdu-text.js";
import { type CliIo, type Command, UsageError } from "../command.js";

/** One node of `--json` output. `children` only on constructed data objects; hex upper-case. */
export interface JsonNode {
  tag: string;
  name: string;
  length: number;
  /** Hex of the value; sensitive values (and templates holding them) in their masked display form. */
  value: string;
  children?: JsonNode[];
}

export function toJsonNodes(nodes: readonly Tlv[], disclosure: Disclosure, parent?: number): JsonNode[] {
  return nodes.map((n) => {
    const node: JsonNode = {
      tag: n.tagHex,
      name: tlvName(n, parent),
      length: n.length,
      value: displayTlvValue(n, disclosure),
    };
    if (n.children) node.children = toJsonNodes(n.children, disclosure, n.tag);
    return node;
  });
}

// ---------------------------------------------------------------------------------------------

const USAGE = [
  "Usage: emvsim decode [--json] [--unmask] <hex | ->",
  "       emvsim decode --apdu [--unmask] <c-apdu> <r-apdu>",
  "",
  "Decodes BER-TLV data (spaces allowed; '-' reads standard input) into a tree: tag, name, [length], value,",
  "and in words what the value means (set bits, CVM rules, AFL entries, dates, amounts, DOL entries).",
  "  --json     JSON array of nodes {tag, name, length, value, children} (children on templates only)",
  "  --apdu     decode a command and its response: the command named, its data, SW1SW2 and the response tree",
  "  --unmask   show PANs and track data in clear (PIN data stays hidden)",
].join("\n");

async function hexArgument(args: string[], io: CliIo): Promise<string> {
  if (args.length === 1 && args[0] === "-") {
    const text = await io.readStdin();
    if (text.trim() === "") throw new UsageError("standard input is empty: expected hex data");
    return text;
  }
  if (args.length === 0 || args.join("").trim() === "")
    throw new UsageError("expected hex data (see 'emvsim decode --help')");
  return args.join("");
}

export const command: Command = {
  name: "decode",
  summary: "decode BER-TLV data or a C-APDU/R-APDU pair into named, explained data objects",
  usage: USAGE,
  async run(args, io) {
    const flags = new Set(args.filter((a) => a.startsWith("--")));
    for (const f of flags) {
      if (!["--json", "--unmask", "--apdu"].includes(f)) throw new UsageError(`unknown option ${f}`);
    }
    const positional = args.filter((a) => !a.startsWith("--"));
    const options: RenderOptions = { disclosure: flags.has("--unmask") ? UNMASKED : MASKED };
    if (flags.has("--apdu")) {
      let pair = positional;
      if (pair.length === 1 && pair[0] === "-") pair = (await io.readStdin()).split(/\r?\n/).filter((l) => l.trim());
      if (pair.length !== 2) throw new UsageError("--apdu expects a C-APDU and an R-APDU in hex");
      const lines = describeApduPair(fromHex(pair[0]!, "C-APDU"), fromHex(pair[1]!, "R-APDU"), options);
      io.out(lines.join("\n"));
      return 0;
    }
    const data = fromHex(await hexArgument(positional, io), "input");
    const nodes = decodeTlvs(data);
    if (flags.has("--json")) io.out(JSON.stringify(toJsonNodes(nodes, options.disclosure), null, 2));
    else io.out(renderTree(nodes, options).join("\n"));
    return 0;
  },
};
