// Response APDUs (ISO/IEC 7816-4 §5.1.3): data ‖ SW1 SW2; views of a shared slab, each with its own bytes.

import { describe, expect, it } from "vitest";
import { toHex } from "../emv/bytes.js";
import { respond, SW, swTriesLeft } from "./status.js";

describe("response APDUs", () => {
  it("are the data followed by SW1 SW2, without data just the status word", () => {
    expect(toHex(respond(SW.OK, Uint8Array.of(0x9f, 0x36, 0x02, 0x00, 0x1d)))).toBe("9F3602001D9000");
    expect(toHex(respond(SW.FILE_NOT_FOUND))).toBe("6A82");
    expect(toHex(respond(swTriesLeft(2)))).toBe("63C2");
  });

  it("responses never share bytes: 300 of 3 to 258 bytes all keep their own data and SW", () => {
    const made: { readonly r: Uint8Array; readonly fill: number; readonly n: number }[] = [];
    for (let i = 0; i < 300; i++) {
      const n = 1 + ((i * 37) % 256);
      made.push({ r: respond(0x9000 + (i & 0xff), new Uint8Array(n).fill(i & 0xff)), fill: i & 0xff, n });
    }
    for (const [i, { r, fill, n }] of made.entries()) {
      expect(r.length).toBe(n + 2);
      expect(r.subarray(0, n).every((b) => b === fill)).toBe(true);
      expect([r[n], r[n + 1]]).toEqual([0x90, i & 0xff]);
    }
  });
});
