// Integration: an emulated card presented as contactless through real pcscd + vsmartcard vpcd (our pcscd socket
// client): the reader reports the PC/SC Part 3 contactless ATR and the card answers the PPSE and a qVSDC GPO.
// Needs pcscd and vpcd and no pcscd of the system's; the harness's machine-wide lock keeps the test files that start
// their own pcscd from meeting (devices/testing/pcscd.ts).

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openPcscContext } from "../devices/pcsc.js";
import { type PrivatePcscd, pcscdSkipReason, requireHardware, startPrivatePcscd } from "../devices/testing/pcscd.js";
import { type CardProcess, spawnCardProcess } from "../devices/testing/spawn-card.js";
import { fromHex, toHex } from "../emv/bytes.js";
import { decodeTlv } from "../emv/tlv/ber.js";
import { GetResponseChannel } from "../transport/ttl.js";

const reason = pcscdSkipReason();
if (reason && requireHardware())
  throw new Error(`EMVSIM_REQUIRE_HARDWARE=1 but the contactless PC/SC test cannot run: ${reason}`);
if (reason) console.warn(`[skip] contactless card through pcscd + vpcd: ${reason}`);

describe.skipIf(!!reason)("a contactless emulated card through pcscd + vpcd", () => {
  let pcscd: PrivatePcscd;
  let card: CardProcess;

  beforeAll(async () => {
    pcscd = await startPrivatePcscd();
    card = await spawnCardProcess([
      "--vpcd",
      `127.0.0.1:${pcscd.port}`,
      "--card",
      "visa-qvsdc-phone",
      "--interface",
      "contactless",
    ]);
  });
  afterAll(async () => {
    await card?.stop();
    await pcscd?.stop();
  });

  it("pcscd reports the contactless ATR 3B 84 80 01 80 73 C8 21 1F; PPSE and a qVSDC GPO answer", async () => {
    const ctx = await openPcscContext({ backend: "socket" });
    try {
      const name = await ctx.waitForCard(pcscd.readerName, 5000);
      const listed = (await ctx.list()).find((r) => r.name === name)!;
      expect(listed.atr).toBe("3B8480018073C8211F");
      const ch = new GetResponseChannel(await ctx.connect(name));
      try {
        expect(toHex(ch.atr!)).toBe("3B8480018073C8211F");
        const ppse = await ch.transmit(fromHex("00A404000E325041592E5359532E444446303100"));
        expect(toHex(ppse.subarray(-2))).toBe("9000");
        expect(toHex(ppse)).toContain("4F07A0000000031010");
        expect(toHex(await ch.transmit(fromHex("00A404000E315041592E5359532E444446303100")))).toBe("6A82");
        const fci = await ch.transmit(fromHex("00A4040007A000000003101000"));
        expect(toHex(fci.subarray(-2))).toBe("9000");
        // PDOL 9F66 9F02 9F03 9F1A 95 5F2A 9A 9C 9F37: TTQ 36004000 (qVSDC, consumer device CVM), 10.00 USD.
        const pdol = "36004000000000001000000000000000084000000000000840261203" + "00ABABABAB";
        const gpo = await ch.transmit(fromHex(`80A8000023${"8321"}${pdol}00`));
        expect(toHex(gpo.subarray(-2))).toBe("9000");
        const t = decodeTlv(gpo.subarray(0, -2));
        expect(t.tag).toBe(0x77);
        expect(toHex(t.find(0x9f6c)!.value)).toBe("0080"); // CTQ: consumer device CVM performed
        expect(toHex(t.find(0x9f27)!.value)).toBe("40"); // TC
        expect(t.find(0x9f4b)!.value.length).toBe(128);
      } finally {
        await ch.close();
      }
    } finally {
      await ctx.close();
    }
  });
});
