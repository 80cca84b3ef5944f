// The issuer host as the kernel sees it during online processing (EMV Book 3 §10.9, Book 4 §6.3.6):
// the terminal sends the authorisation request data and receives the response code, the issuer
// authentication data and any issuer scripts. The emulator's host implements it in-process; a network
// host can implement the same interface.

export interface AuthorizationRequest {
  /** ICC and terminal data as BER-TLV (the DE 55 content): 9F26, 9F27, 9F10, 9F37, 9F36, 95, 9A, 9C, 9F02, 5F2A, 82, 5A, 5F34 … */
  readonly iccData: Uint8Array;
  /**
   * Online PIN block when the CVM was online PIN: ISO 9564 format 0 (format 2 when the card gave no usable PAN),
   * enciphered with TDES-ECB under the terminal's pinEncryptionKey when it has one. Never logged.
   */
  readonly onlinePinBlock?: Uint8Array;
}

export interface AuthorizationResponse {
  /** Authorisation Response Code (8A), 2 bytes an: "00" approve, "05" decline, "01" referral … */
  readonly authorisationResponseCode: Uint8Array;
  /** Issuer Authentication Data (91): ARPC and, for method 2, CSU and proprietary data. Absent when none. */
  readonly issuerAuthenticationData?: Uint8Array;
  /** Issuer Script Templates 1 (tag 71), each the whole encoded template, sent before the second GENERATE AC. */
  readonly scripts71: readonly Uint8Array[];
  /** Issuer Script Templates 2 (tag 72), sent after the second GENERATE AC. */
  readonly scripts72: readonly Uint8Array[];
  /** The host's reason in words, e.g. "ARQC verified; amount within limit" or "ARQC does not verify". */
  readonly reason: string;
}

export interface IssuerHost {
  /** Resolves to the issuer's answer; rejects (or times out in the kernel) when the host is unreachable. */
  authorize(request: AuthorizationRequest): Promise<AuthorizationResponse>;
}
