// The contactless card on arbitrary input (Book C-3 card side): any PDOL data of the right length gets 9000 with a
// well-formed template 77 or 6985 (no qVSDC in the TTQ); any APDU sequence gets an answer with a status word,
// never an exception (properties).

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { fromHex, toHex } from "../../emv/bytes.js";
import { decodeTlv } from "../../emv/tlv/ber.js";
import { listProfiles } from "../profile.js";
import { apdu, openCard, PPSE_SELECT, selectAid, split } from "./testing/tap.js";

const VISA = fromHex("A0000000031010");
const QVSDC = listProfiles({ interface: "contactless" }).filter(
  (id) => !id.startsWith("visa-qvsdc-gpo-") && id !== "mastercard-cvn17-cda",
);

describe("arbitrary PDOL data", () => {
  it("9000 with template 77 (82, 9F10, 9F26, 9F36, 9F6C always there) or 6985 when TTQ B1b6 is clear", () => {
    fc.assert(
      fc.property(fc.constantFrom(...QVSDC), fc.uint8Array({ minLength: 33, maxLength: 33 }), (id, data) => {
        const card = openCard(id);
        const sel = selectAid(card, VISA);
        expect(sel.sw).toBe("9000");
        const r = split(card.transmit(apdu("80A80000", Uint8Array.from([0x83, data.length, ...data]))));
        if ((data[0]! & 0x20) === 0) {
          expect(r.sw).toBe("6985");
          return;
        }
        expect(r.sw).toBe("9000");
        const t = decodeTlv(r.data);
        expect(t.tag).toBe(0x77);
        const tags = new Set((t.children ?? []).map((c) => c.tag));
        for (const tag of [0x82, 0x9f10, 0x9f26, 0x9f36, 0x9f6c]) expect(tags.has(tag)).toBe(true);
        const type = (t.find(0x9f10)!.value[4]! >> 4) & 0x03; // Visa CVR byte 2 bits 6-5
        if (tags.has(0x9f27)) expect(t.find(0x9f27)!.value[0]! >> 6).toBe([0, 1, 2][type]);
        // Signed exactly when a TC (or an ARQC with ODA for online) was given with an AFL.
        if (type === 1) expect(tags.has(0x9f4b)).toBe(true);
        if (type === 0) expect(tags.has(0x9f4b) || tags.has(0x94)).toBe(false);
      }),
      { numRuns: 200 },
    );
  });
});

describe("arbitrary command sequences", () => {
  const command = fc.oneof(
    fc.uint8Array({ minLength: 0, maxLength: 40 }),
    fc.constantFrom(PPSE_SELECT, "00A4040007A000000003101000", "00B2012400", "00B2011C00", "80CA9F3600").map(fromHex),
    fc
      .tuple(fc.constantFrom(0x00, 0x80, 0x84), fc.integer({ min: 0, max: 255 }), fc.uint8Array({ maxLength: 20 }))
      .map(([cla, ins, data]) => Uint8Array.from([cla, ins, 0, 0, ...(data.length ? [data.length, ...data] : []), 0])),
  );
  it("every answer ends with a status word and nothing throws", () => {
    fc.assert(
      fc.property(fc.constantFrom(...QVSDC), fc.array(command, { maxLength: 12 }), (id, commands) => {
        const card = openCard(id);
        for (const c of commands) {
          const r = card.transmit(c);
          expect(r.length).toBeGreaterThanOrEqual(2);
          expect(toHex(r.subarray(-2))).not.toBe("6F00"); // no handler error
        }
      }),
      { numRuns: 150 },
    );
  });
});
