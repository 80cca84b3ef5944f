// Seed inputs for the parser targets, taken at run time from real sessions of the emulator's cards (every built-in
// profile under two terminal configurations): the commands and answers exchanged, the card's data objects, the
// DOLs, the authorisation request data and the ISO 8583 messages built from it. Nothing here is expected output:
// the seeds only start the mutations off well-formed inputs.

import type { AuthorizationRequest, IssuerHost } from "../emv/authorisation.js";
import { concatBytes, fromHex } from "../emv/bytes.js";
import { encodeTlv } from "../emv/tlv/ber.js";
import { TAG } from "../emv/tlv/tag-names.js";
import { encodeMessage } from "../online/iso8583/codec.js";
import { requestMessage, responseMessage } from "../online/iso8583/mapping.js";
import type { CardChannel } from "../transport/channel.js";
import { encodeBlock } from "../transport/t1.js";
import { pairings, runSession, sharedHost } from "./setup.js";

export interface Corpus {
  readonly commands: Uint8Array[];
  /** Whole response APDUs (data ‖ SW1 SW2). */
  readonly responses: Uint8Array[];
  /** Response data fields (BER-TLV templates, mostly). */
  readonly tlv: Uint8Array[];
  /** Values by tag (the card's data objects and the terminal's). */
  readonly values: Map<number, Uint8Array[]>;
  readonly dols: Uint8Array[];
  readonly iso8583: Uint8Array[];
  readonly scripts: Uint8Array[];
  readonly t1: Uint8Array[];
  readonly atrs: Uint8Array[];
}

const DOL_TAGS: readonly number[] = [
  TAG.CARD_RISK_MANAGEMENT_DATA_OBJECT_LIST_1,
  TAG.CARD_RISK_MANAGEMENT_DATA_OBJECT_LIST_2,
  TAG.PROCESSING_OPTIONS_DATA_OBJECT_LIST,
  TAG.DYNAMIC_DATA_AUTHENTICATION_DATA_OBJECT_LIST,
  TAG.TRANSACTION_CERTIFICATE_DATA_OBJECT_LIST,
];

let built: Promise<Corpus> | undefined;

/** Built once per process (a few transactions). */
export function corpus(): Promise<Corpus> {
  built ??= buildCorpus();
  return built;
}

async function buildCorpus(): Promise<Corpus> {
  const c: Corpus = {
    commands: [],
    responses: [],
    tlv: [],
    values: new Map(),
    dols: [],
    iso8583: [],
    scripts: [],
    t1: [],
    atrs: [],
  };
  const requests: AuthorizationRequest[] = [];
  const recordingHost: IssuerHost = {
    async authorize(request) {
      requests.push(request);
      const response = await sharedHost().authorize(request);
      const req = requestMessage("0100", request, context);
      c.iso8583.push(encodeMessage(req), encodeMessage(responseMessage(req, "0110", response, "123456")));
      c.scripts.push(...response.scripts71, ...response.scripts72);
      return response;
    },
  };
  const chosen = pairings().filter(
    (p) => p.kind === "contact" && (p.terminalId === "attended-pos" || p.terminalId === "offline-only"),
  );
  for (const [i, pairing] of chosen.entries()) {
    const record = await runSession({
      pairing,
      seed: `corpus-${i}`,
      amount: 1234,
      pin: "1234",
      host: recordingHost,
      wrapChannel: (inner) => recording(inner, c),
    });
    for (const source of ["card", "terminal", "transaction"] as const) {
      for (const tag of record.data.tags(source)) {
        const value = record.data.from(source, tag);
        if (!value) continue;
        const list = c.values.get(tag) ?? [];
        list.push(value.slice());
        c.values.set(tag, list);
        if (DOL_TAGS.includes(tag)) c.dols.push(value.slice());
      }
    }
  }
  // Issuer scripts: the default host sends none, so one of each template is built here (Book 3 §10.10: 9F18 then 86).
  const apdu = fromHex("8418000008");
  for (const tag of [0x71, 0x72])
    c.scripts.push(
      encodeTlv(
        tag,
        concatBytes(
          encodeTlv(TAG.ISSUER_SCRIPT_IDENTIFIER, fromHex("11223344")),
          encodeTlv(TAG.ISSUER_SCRIPT_COMMAND, apdu),
        ),
      ),
    );
  // T=1 blocks (Book 1 §9.2.4): an I-block carrying a command, R-blocks, an S(IFS) request, LRC and CRC.
  for (const command of c.commands.slice(0, 8)) {
    c.t1.push(encodeBlock({ kind: "I", ns: 0, more: false, inf: command }));
    c.t1.push(encodeBlock({ kind: "I", ns: 1, more: true, inf: command }, "CRC"));
  }
  c.t1.push(
    encodeBlock({ kind: "R", nr: 1, error: 0 }),
    encodeBlock({ kind: "S", type: 1, response: false, inf: Uint8Array.of(254) }),
  );
  c.atrs.push(fromHex("3B6500002063CB6600"), fromHex("3BE900008121455649535F494E460653"), fromHex("3B0200"));
  if (requests.length === 0) throw new Error("fuzz corpus: no session went online");
  return c;
}

const context = { stan: "000001", terminalId: "TERM0001", merchantId: "MERCHANT0000001", transmission: "1115120000" };

function recording(inner: CardChannel, c: Corpus): CardChannel {
  return {
    description: inner.description,
    atr: inner.atr,
    async transmit(command) {
      const response = await inner.transmit(command);
      c.commands.push(command.slice());
      c.responses.push(response.slice());
      if (response.length > 2) c.tlv.push(response.slice(0, response.length - 2));
      return response;
    },
    close: () => inner.close(),
  };
}
