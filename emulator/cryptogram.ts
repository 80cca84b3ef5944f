// PENDING kernel/crypto (placeholder signatures while the crypto library lands)
import type { AcType, PersonalisedApplication, Session } from "./context.js";

export interface AcRequest {
  readonly type: AcType;
  readonly firstType: AcType;
  readonly second: boolean;
  readonly atc: number;
  readonly values: Map<number, Uint8Array>;
  readonly session: Session;
  readonly pinTryCounter: number;
  readonly lastOnlineIssuerAuthenticationFailed: boolean;
}
export function computeApplicationCryptogram(
  _app: PersonalisedApplication,
  _r: AcRequest,
): { cryptogram: Uint8Array; iad: Uint8Array } {
  throw new Error("pending");
}
export function verifyIssuerAuthentication(
  _app: PersonalisedApplication,
  _r: { arqc: Uint8Array; atc: number; data: Uint8Array },
): boolean {
  throw new Error("pending");
}
export function verifyScriptMac(
  _app: PersonalisedApplication,
  _r: { header: Uint8Array; atc: number; arqc: Uint8Array; data: Uint8Array; mac: Uint8Array },
): boolean {
  throw new Error("pending");
}
export function decipherPinChangeData(
  _app: PersonalisedApplication,
  _r: { atc: number; arqc: Uint8Array; data: Uint8Array; currentPin: string | undefined },
): string | undefined {
  throw new Error("pending");
}
