// File Control Information returned by SELECT (EMV Book 1 §11.3.4, Tables 43–45): template 6F with the DF name (84)
// and the FCI proprietary template (A5). Parsing never throws; a malformed FCI is described in words.

import { decodeTlv, findTlv, type Tlv, TlvError } from "../../../emv/tlv/ber.js";
import { TAG } from "../../../emv/tlv/tag-names.js";

export interface Fci {
  /** DF Name (84). */
  readonly dfName: Uint8Array;
  /** Children of the FCI proprietary template (A5). */
  readonly proprietary: readonly Tlv[];
  /** The whole decoded 6F template. */
  readonly template: Tlv;
}

/** Book 1 Table 43/45: 6F containing 84 and A5 (constructed). */
export function parseFci(data: Uint8Array): Fci | { readonly error: string } {
  let template: Tlv;
  try {
    template = decodeTlv(data);
  } catch (e) {
    if (e instanceof TlvError) return { error: `FCI is not valid BER-TLV: ${e.message}` };
    throw e;
  }
  if (template.tag !== TAG.FILE_CONTROL_INFORMATION_TEMPLATE)
    return { error: `FCI template is ${template.tagHex}, not 6F` };
  const children = template.children ?? [];
  const dfName = children.find((c) => c.tag === TAG.DEDICATED_FILE_NAME);
  if (!dfName) return { error: "FCI has no DF Name (84)" };
  const a5 = children.find((c) => c.tag === TAG.FILE_CONTROL_INFORMATION_PROPRIETARY_TEMPLATE);
  if (!a5?.children) return { error: "FCI has no FCI Proprietary Template (A5)" };
  return { dfName: dfName.value, proprietary: a5.children, template };
}

/** First data object with `tag` anywhere in the FCI proprietary template. */
export function fciValue(fci: Fci, tag: number): Uint8Array | undefined {
  return findTlv(fci.proprietary, tag)?.value;
}
