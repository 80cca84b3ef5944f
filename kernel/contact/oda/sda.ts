// Static data authentication (EMV Book 2 §5, Book 3 §10.3): issuer key from the CA key, then the Signed Static
// Application Data (93) over the static data; the Data Authentication Code (9F45) is kept.

import { verifySignedStaticData } from "../../../emv/crypto/signed-data.js";
import { TAG } from "../../../emv/tlv/tag-names.js";
import type { TransactionContext } from "../context.js";
import { issuerKeyAndStaticData } from "./issuer-key.js";
import { type KeyFailure, missingCardData } from "./keys.js";

export type OdaOutcome = { readonly ok: true; readonly detail: string } | KeyFailure;

export function performSda(ctx: TransactionContext): OdaOutcome {
  const ssad = ctx.data.from("card", TAG.SIGNED_STATIC_APPLICATION_DATA);
  const missing = missingCardData(ctx, [
    TAG.CA_PUBLIC_KEY_INDEX_ICC,
    TAG.ISSUER_PUBLIC_KEY_CERTIFICATE,
    TAG.ISSUER_PUBLIC_KEY_EXPONENT,
    TAG.SIGNED_STATIC_APPLICATION_DATA,
  ]);
  if (missing || !ssad) return missing ?? { ok: false, missing: true, reason: "93 is missing" };
  const start = issuerKeyAndStaticData(ctx);
  if (!start.ok) return start;
  const v = verifySignedStaticData(start.issuer, ssad, start.staticData);
  if (!v.ok) return { ok: false, reason: v.reason };
  ctx.data.set("card", TAG.DATA_AUTHENTICATION_CODE, v.dataAuthenticationCode);
  return { ok: true, detail: "Signed Static Application Data verified" };
}
