// Cryptogram versions (Book 2 §8, scheme variants): names, PIN change data round trips for every version.

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  cryptogramScheme,
  cryptogramSchemeOf,
  decipherPinChange,
  encipherPinChange,
  supportedCryptogramVersions,
} from "./cryptogram.js";

const key16 = fc.uint8Array({ minLength: 16, maxLength: 16 });
const pin = fc.stringMatching(/^\d{4,12}$/);

describe("cryptogram versions", () => {
  it("PIN change data deciphers to the new PIN for every cryptogram version", () => {
    fc.assert(
      fc.property(key16, key16, pin, fc.option(pin, { nil: undefined }), (mk, smc, newPin, current) => {
        for (const cvn of supportedCryptogramVersions()) {
          const scheme = cryptogramScheme(cvn)!;
          const data = encipherPinChange(scheme, mk, smc, newPin, current);
          expect(decipherPinChange(scheme, mk, smc, data, current)).toBe(newPin);
        }
      }),
      { numRuns: 40 },
    );
  });

  it("each cryptogram version name ends with its CVN and names the same scheme", () => {
    const names = supportedCryptogramVersions().map((cvn) => cryptogramScheme(cvn)!.version);
    expect(names).toEqual([
      "visa-cvn10",
      "visa-cvn18",
      "visa-cvn22",
      "mastercard-cvn16",
      "mastercard-cvn17",
      "mastercard-cvn20",
      "mastercard-cvn21",
      "interac-cvn133",
    ]);
    for (const v of names) expect(`-cvn${cryptogramSchemeOf(v).cvn}`).toBe(v.slice(v.indexOf("-")));
    expect(cryptogramScheme(7)).toBeUndefined();
  });
});
