// GET PROCESSING OPTIONS of a qVSDC application on the contactless interface (EMV Book C-3, card side): the card
// decides at once (emulator/contactless/qvsdc.ts) and answers template 77 with everything the reader needs:
// AIP 82, AFL 94 (offline path or ODA for online), data from its records (57, 5F34 …), IAD 9F10 (CVR byte 2 with
// the cryptogram type), AC 9F26, CID 9F27 (unless the profile leaves it out), ATC 9F36, CTQ 9F6C and the fDDA
// SDAD 9F4B. The ATC increments at every GPO; a new card UN goes into 9F69 in the records.

import { isBitSet } from "../../emv/bits.js";
import { toHex, writeUint } from "../../emv/bytes.js";
import { CTQ } from "../../emv/fields/ctq.js";
import { encodeTlvs, type TlvInput } from "../../emv/tlv/ber.js";
import { TAG } from "../../emv/tlv/tag-names.js";
import type { CardContext, PersonalisedApplication } from "../context.js";
import { computeApplicationCryptogram } from "../cryptogram.js";
import { amountOf, dolValues } from "../dol-values.js";
import { corruptSignature } from "../oda.js";
import { recordValue } from "../personalise.js";
import { hasFault } from "../profile-data.js";
import type { ApplicationState } from "../state.js";
import { respond, SW } from "../status.js";
import { CARD_UN_LENGTH, cardAuthenticationData, signFdda } from "./fdda.js";
import { qvsdcDecision, readerSupportsQvsdc } from "./qvsdc.js";

/** Cryptogram Information Data per type (Book 3 §6.5.5.4 Table 14). */
const CID = { AAC: 0x00, TC: 0x40, ARQC: 0x80 } as const;

/** The qVSDC GPO answer; the caller has checked P1/P2, the selection, template 83 and the PDOL data length. */
export function qvsdcGetProcessingOptions(
  ctx: CardContext,
  app: PersonalisedApplication,
  state: ApplicationState,
  pdolData: Uint8Array,
): Uint8Array {
  const cl = app.profile.contactless!;
  const values = dolValues(app.contactless!.pdol, pdolData);
  const ttq = values.get(TAG.TERMINAL_TRANSACTION_QUALIFIERS) ?? new Uint8Array(4);
  // A reader without qVSDC (TTQ B1b6): this card has no MSD, so it refuses; Book C-3 maps 6985 to Try Another Interface.
  if (!readerSupportsQvsdc(ttq)) return respond(SW.CONDITIONS_NOT_SATISFIED);
  if (state.atc >= 0xffff) return respond(SW.CONDITIONS_NOT_SATISFIED);
  state.atc += 1;
  const s = ctx.session;
  s.gpoDone = true;
  // A new transaction: a pending issuer update the SELECT offered is over.
  s.issuerUpdate = false;
  s.firstAc = undefined;
  s.generateAcCount = 0;
  s.pdolData = Uint8Array.from(pdolData);

  const amount = amountOf(values.get(TAG.AMOUNT_AUTHORISED_NUMERIC));
  const icc = app.keys?.icc;
  const decision = qvsdcDecision(cl, {
    ttq,
    amount,
    consecutiveOffline: Math.max(0, state.atc - 1 - state.lastOnlineAtc),
    offlineAmountTotal: state.offlineAmountTotal,
    canSign: cl.fdda !== undefined && icc !== undefined,
  });
  const cad = cl.fdda
    ? cardAuthenticationData(ctx.random(CARD_UN_LENGTH), cl.fdda.ctqInCardData ? decision.ctq : undefined)
    : undefined;
  s.qvsdc = { cardAuthenticationData: cad };

  const ac = computeApplicationCryptogram(app, {
    type: decision.type,
    firstType: decision.type,
    second: false,
    atc: state.atc,
    values,
    session: s,
    pinTryCounter: state.pinTryCounter,
    lastOnlineIssuerAuthenticationFailed: state.issuerAuthenticationFailedLastOnline,
    aip: cl.aip,
  });
  const cryptogram = hasFault(ctx.profile, "wrong-cryptogram") ? corruptSignature(ac.cryptogram) : ac.cryptogram;
  if (decision.type === "TC") state.offlineAmountTotal += amount ?? 0;
  // Issuer update offered (CTQ B2b7): the next presentation may bring the answer to this ARQC.
  state.issuerUpdate =
    decision.type === "ARQC" && isBitSet(decision.ctq, CTQ.ISSUER_UPDATE_AT_POS)
      ? { atc: state.atc, arqc: toHex(cryptogram) }
      : undefined;

  const children: TlvInput[] = [{ tag: TAG.APPLICATION_INTERCHANGE_PROFILE, value: cl.aip }];
  if (decision.oda && cl.afl.length > 0 && !hasFault(ctx.profile, "no-afl"))
    children.push({ tag: TAG.APPLICATION_FILE_LOCATOR, value: cl.afl });
  for (const tag of cl.gpoFromRecords) {
    const v = recordValue(app.records, tag);
    if (v) children.push({ tag, value: v });
  }
  children.push(
    { tag: TAG.ISSUER_APPLICATION_DATA, value: ac.iad },
    { tag: TAG.APPLICATION_CRYPTOGRAM, value: cryptogram },
  );
  if (cl.cid) children.push({ tag: TAG.CRYPTOGRAM_INFORMATION_DATA, value: Uint8Array.of(CID[decision.type]) });
  children.push(
    { tag: TAG.APPLICATION_TRANSACTION_COUNTER, value: writeUint(state.atc, 2) },
    { tag: TAG.CARD_TRANSACTION_QUALIFIERS, value: decision.ctq },
  );
  if (decision.oda && icc && cad) {
    const signedAtc = hasFault(ctx.profile, "wrong-fdda-atc") ? state.atc + 1 : state.atc;
    const sdad = signFdda(icc, {
      atc: signedAtc,
      unpredictableNumber: values.get(TAG.UNPREDICTABLE_NUMBER)!,
      amountAuthorised: values.get(TAG.AMOUNT_AUTHORISED_NUMERIC)!,
      currencyCode: values.get(TAG.TRANSACTION_CURRENCY_CODE)!,
      cardAuthenticationData: cad,
    });
    children.push({
      tag: TAG.SIGNED_DYNAMIC_APPLICATION_DATA,
      value: hasFault(ctx.profile, "bad-fdda-signature") ? corruptSignature(sdad) : sdad,
    });
  }
  children.push(...cl.gpoExtra.map((o) => ({ tag: o.tag, value: o.value })));
  return respond(SW.OK, encodeTlvs([{ tag: TAG.RESPONSE_MESSAGE_TEMPLATE_FORMAT_2, children }]));
}
