// Online processing as a step (EMV Book 3 §10.9): the authorisation request with the ICC data, the issuer's answer
// into the data store (8A, 91), and issuer authentication. A host that cannot be reached leaves the decision to
// completion with the default action codes (Book 3 §10.7, §10.11).

import { TAG } from "../../emv/tlv/tag-names.js";
import { type BackHalf, type BackStep, NEXT, terminateBack } from "./back-half.js";
import type { TransactionContext } from "./context.js";
import { authorizationData, issuerAuthentication, requestAuthorization, responseCodeText } from "./online.js";

const STEP = "online-processing";

export async function onlineProcessing(ctx: TransactionContext, back: BackHalf): Promise<BackStep> {
  const iccData = authorizationData(ctx);
  back.authorizationData = iccData;
  const answer = await requestAuthorization(ctx, iccData, back.hostTimeoutMs);
  if (!answer.reachable) {
    ctx.log(STEP, answer.reason);
    back.online = { kind: "unable", reason: answer.reason };
    return NEXT;
  }
  const response = answer.response;
  const arc = responseCodeText(response.authorisationResponseCode);
  ctx.data.set("issuer", TAG.AUTHORISATION_RESPONSE_CODE, response.authorisationResponseCode);
  if (response.issuerAuthenticationData)
    ctx.data.set("issuer", TAG.ISSUER_AUTHENTICATION_DATA, response.issuerAuthenticationData);
  ctx.log(STEP, `issuer answered ${arc}: ${response.reason}`);
  const online: BackHalf["online"] & { kind: "answered" } = {
    kind: "answered",
    response,
    arc,
    issuerAuthentication: "not-performed",
  };
  back.online = online;

  // Book 3 §10.9: issuer authentication.
  const auth = await issuerAuthentication(ctx, response.issuerAuthenticationData);
  if (auth.kind === "terminate") return terminateBack(ctx, back, auth.cause, auth.reason);
  online.issuerAuthentication = auth.kind;
  ctx.log(STEP, `issuer authentication ${auth.kind}: ${auth.note}`);
  return NEXT;
}
