// CDA in Kernel 2 (EMV Contactless Book C-2 §3.x "CDA" and State 10, with Book 2 §6.6): the SDAD of the GENERATE AC
// (or RECOVER AC) answer verified with the ICC public key recovered from the records, the transaction data hash over
// PDOL data, CDOL1 data and the answer's data objects except 9F4B; when relay resistance was performed, the ICC
// Dynamic Data also carries the relay resistance data after the hash code (Terminal Entropy 4, Device Entropy 4,
// Min Time 2, Max Time 2, Device Estimated Transmission Time 2), which must equal what EXCHANGE RELAY RESISTANCE DATA
// gave.

import { bytesEqual, concatBytes, toHex } from "../../emv/bytes.js";
import type { RsaPublicKey } from "../../emv/crypto/rsa.js";
import { cdaTransactionDataHash, verifyCdaSignature } from "../../emv/crypto/signed-data.js";
import type { Tlv } from "../../emv/tlv/ber.js";
import { TAG } from "../../emv/tlv/tag-names.js";

export type C2CdaResult =
  | {
      readonly ok: true;
      readonly cryptogram: Uint8Array;
      readonly iccDynamicNumber: Uint8Array;
      readonly relayResistanceData?: Uint8Array;
    }
  | { readonly ok: false; readonly reason: string };

/** The 14 bytes of relay resistance data the card signs with RRP (Book C-2 Table "ICC Dynamic Data"). */
export const RRP_SIGNED_DATA_LENGTH = 14;

export function verifyC2Cda(p: {
  readonly icc: RsaPublicKey;
  /** The answer's data objects (template 77 children), in the order received. */
  readonly nodes: readonly Tlv[];
  readonly pdolData: Uint8Array;
  readonly cdol1Data: Uint8Array;
  readonly unpredictableNumber: Uint8Array;
  /** The relay resistance data of this transaction, when RRP was performed. */
  readonly relayResistanceData?: Uint8Array;
}): C2CdaResult {
  const sdad = p.nodes.find((n) => n.tag === TAG.SIGNED_DYNAMIC_APPLICATION_DATA)?.value;
  if (!sdad) return { ok: false, reason: "CDA: the answer has no Signed Dynamic Application Data (9F4B)" };
  const cid = p.nodes.find((n) => n.tag === TAG.CRYPTOGRAM_INFORMATION_DATA)?.value;
  if (cid?.length !== 1)
    return { ok: false, reason: "CDA: the answer has no 1-byte Cryptogram Information Data (9F27)" };
  const responseTlvs = concatBytes(
    ...p.nodes
      .filter((n) => n.tag !== TAG.SIGNED_DYNAMIC_APPLICATION_DATA)
      .map((n) => n.source.subarray(n.offset, n.valueOffset + n.length)),
  );
  const transactionDataHash = cdaTransactionDataHash({
    pdolData: p.pdolData,
    cdol1Data: p.cdol1Data,
    responseTlvs,
  });
  const v = verifyCdaSignature(p.icc, sdad, {
    unpredictableNumber: p.unpredictableNumber,
    cid: cid[0]!,
    transactionDataHash,
  });
  if (!v.ok) return { ok: false, reason: v.reason };
  if (!p.relayResistanceData) return { ok: true, cryptogram: v.cryptogram, iccDynamicNumber: v.iccDynamicNumber };
  // Recovered SDAD (Book 2 Table 17): header, format, hash algorithm, L_DD, ICC Dynamic Data …
  const ldd = v.recovered[3]!;
  const dynamic = v.recovered.subarray(4, 4 + ldd);
  const at = 1 + v.iccDynamicNumber.length + 1 + 8 + 20;
  const signed = dynamic.subarray(at, at + RRP_SIGNED_DATA_LENGTH);
  if (signed.length !== RRP_SIGNED_DATA_LENGTH)
    return {
      ok: false,
      reason: `CDA: relay resistance was performed but the ICC Dynamic Data carries ${signed.length} bytes of relay resistance data, not ${RRP_SIGNED_DATA_LENGTH}`,
    };
  if (!bytesEqual(signed, p.relayResistanceData))
    return {
      ok: false,
      reason: `CDA: the signed relay resistance data ${toHex(signed)} differ from the exchanged ${toHex(p.relayResistanceData)}`,
    };
  return {
    ok: true,
    cryptogram: v.cryptogram,
    iccDynamicNumber: v.iccDynamicNumber,
    relayResistanceData: signed.slice(),
  };
}
