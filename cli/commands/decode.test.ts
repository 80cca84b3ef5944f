import { describe, expect, it } from "vitest";
import type { CliIo } from "../command.js";
import { main } from "../main.js";

async function run(argv: string[], stdin = ""): Promise<{ code: number; out: string; err: string }> {
  let out = "";
  let err = "";
  const io: CliIo = {
    out: (t) => {
      out += t.endsWith("\n") ? t : `${t}\n`;
    },
    err: (t) => {
      err += t.endsWith("\n") ? t : `${t}\n`;
    },
    readStdin: async () => stdin,
  };
  const code = await main(argv, io);
  return { code, out, err };
}

const RECORD = "70 81 15 5A 08 4761739001010010 5F24 03 251231 9F07 02 FF00";

describe("emvsim decode <hex>", () => {
  it("prints the tree with names, lengths, masked PAN and values in words", async () => {
    const r = await run(["decode", ...RECORD.split(" ")]);
    expect(r.code).toBe(0);
    expect(r.err).toBe("");
    expect(r.out.split("\n")).toEqual([
      "70 READ RECORD Response Message Template [21]",
      "  5A Application Primary Account Number (PAN) [8] 476173******0010",
      "  5F24 Application Expiration Date [3] 251231",
      "     2025-12-31",
      "  9F07 Application Usage Control [2] FF00",
      "     Valid for domestic cash transactions",
      "     Valid for international cash transactions",
      "     Valid for domestic goods",
      "     Valid for international goods",
      "     Valid for domestic services",
      "     Valid for international services",
      "     Valid at ATMs",
      "     Valid at terminals other than ATMs",
      "",
    ]);
    expect(r.out).not.toContain("4761739001010010");
  });

  it("shows the PAN and track 2 in clear only with --unmask (the bytes a test card sent)", async () => {
    const track2 = "57 13 4761739001010010D22122011143804400000F";
    const masked = await run(["decode", track2]);
    expect(masked.out).toBe("57 Track 2 Equivalent Data [19] 476173******0010D<hidden>\n");
    const unmasked = await run(["decode", "--unmask", track2]);
    expect(unmasked.out).toBe("57 Track 2 Equivalent Data [19] 4761739001010010D22122011143804400000F\n");
    const pan = await run(["decode", "--unmask", "5A084761739001010010"]);
    expect(pan.out).toBe("5A Application Primary Account Number (PAN) [8] 4761739001010010\n");
    // Transaction PIN Data (99) stays hidden even then.
    const pin = await run(["decode", "--unmask", "99 08 241234FFFFFFFFFF"]);
    expect(pin.out).not.toContain("241234");
    expect(pin.out).toContain("<8 bytes hidden>");
  });

  it("reads '-' from standard input and explains CVM lists, AFLs and bit fields", async () => {
    const r = await run(["decode", "-"], "8E 0C 000000C8 00000000 4206 1F03\n94 04 08010100\n82 02 5980\n");
    expect(r.out.split("\n")).toEqual([
      "8E Cardholder Verification Method (CVM) List [12] 000000C80000000042061F03",
      "   Amount X: 200",
      "   Amount Y: 0",
      "   Rule 1 4206: Enciphered PIN verified online, If transaction is in the application currency and is under X value (X = 200), apply next rule if unsuccessful",
      "   Rule 2 1F03: No CVM required, If terminal supports the CVM, fail if unsuccessful",
      "94 Application File Locator (AFL) [4] 08010100",
      "   SFI 1 record 1",
      "82 Application Interchange Profile (AIP) [2] 5980",
      "   SDA supported",
      "   Cardholder verification is supported",
      "   Terminal risk management is to be performed",
      "   CDA supported",
      "   EMV and Magstripe Modes Supported",
      "",
    ]);
  });

  it("prints --json nodes with children on templates only, sensitive values masked inside templates", async () => {
    const r = await run(["decode", "--json", "70 10 5A 08 4761739001010010 8E 00 9F 27 01 80"]);
    expect(JSON.parse(r.out)).toEqual([
      {
        tag: "70",
        name: "READ RECORD Response Message Template",
        length: 16,
        value: "5A08[476173******0010]8E009F270180",
        children: [
          { tag: "5A", name: "Application Primary Account Number (PAN)", length: 8, value: "476173******0010" },
          { tag: "8E", name: "Cardholder Verification Method (CVM) List", length: 0, value: "" },
          { tag: "9F27", name: "Cryptogram Information Data", length: 1, value: "80" },
        ],
      },
    ]);
    const fci = await run(["decode", "--json", "6F0A8408A000000003101001"]);
    expect(JSON.parse(fci.out)[0]).toEqual({
      tag: "6F",
      name: "File Control Information (FCI) Template",
      length: 10,
      value: "8408A000000003101001",
      children: [{ tag: "84", name: "Dedicated File Name (DF)", length: 8, value: "A000000003101001" }],
    });
  });

  it.each([
    ["9C0200", "emvsim decode: BER-TLV tag 9C at offset 2: value of 2 byte(s) runs past the end (1 byte(s) left)"],
    ["9C80", "emvsim decode: BER-TLV tag 9C at offset 1: indefinite length (80) is not allowed in EMV"],
    [
      "E0029C0201",
      "emvsim decode: BER-TLV tag 9C at offset 4: value of 2 byte(s) runs past the end of its template (0 byte(s) left)",
    ],
    [
      "9C84FFFFFFFF",
      "emvsim decode: BER-TLV tag 9C at offset 6: value of 4294967295 byte(s) runs past the end (0 byte(s) left)",
    ],
    ["84FFFFFFFF", "emvsim decode: BER-TLV tag 84 at offset 1: length field of 127 bytes exceeds 4"],
    ["9C01Z1", "emvsim decode: input: 'Z' at position 4 is not a hex digit"],
    ["9C010", "emvsim decode: input: odd number of hex digits (5)"],
  ])("rejects %s with one line and exit code 1", async (hex, message) => {
    const r = await run(["decode", hex]);
    expect(r.code).toBe(1);
    expect(r.out).toBe("");
    expect(r.err).toBe(`${message}\n`);
  });

  it("rejects unknown options and missing data", async () => {
    expect((await run(["decode", "--xml", "9C00"])).err).toBe("emvsim decode: unknown option --xml\n");
    expect((await run(["decode"])).err).toBe("emvsim decode: expected hex data (see 'emvsim decode --help')\n");
    // Issue 13 defect 7: `decode -` on empty input printed nothing and exited 0.
    for (const stdin of ["", " \n"]) {
      const r = await run(["decode", "-"], stdin);
      expect(r).toEqual({ code: 1, out: "", err: "emvsim decode: standard input is empty: expected hex data\n" });
    }
    expect((await run(["decode", ""])).err).toBe("emvsim decode: expected hex data (see 'emvsim decode --help')\n");
    expect((await run(["decode", "--apdu", "00A4"])).err).toBe(
      "emvsim decode: --apdu expects a C-APDU and an R-APDU in hex\n",
    );
  });
});

describe("emvsim decode --apdu", () => {
  it("names GENERATE AC and splits a format 1 response (Book 3 §6.5.5.4)", async () => {
    const r = await run([
      "decode",
      "--apdu",
      "80AE80001D00000000100000000000000000368000008000003612031600D3173A1F00",
      "8012400029BB31D191BCED0CF206010A0364BC009000",
    ]);
    expect(r.out.split("\n")).toEqual([
      "C-APDU CLA 80 INS AE P1 80 P2 00: GENERATE AC, ARQC requested",
      "  Lc 29",
      "  CDOL related data: 00000000100000000000000000368000008000003612031600D3173A1F",
      "  Le 256",
      "R-APDU SW 9000 (normal processing)",
      "  80 Response Message Template Format 1 [18] 400029BB31D191BCED0CF206010A0364BC00",
      "     9F27 Cryptogram Information Data: 40",
      "       Cryptogram: TC",
      "     9F36 Application Transaction Counter (ATC): 0029",
      "     9F26 Application Cryptogram: BB31D191BCED0CF2",
      "     9F10 Issuer Application Data: 06010A0364BC00",
      "       Visa IAD format 0/1, CVN 0A, derivation key index 01",
      "       CVR: 0364BC00",
      "         AC returned in first GENERATE AC: ARQC",
      "         AC returned in second GENERATE AC: TC",
      "         Offline PIN Verification Performed",
      "         Last online transaction not completed",
      "         Exceeded velocity checking counters",
      "         New card",
      "         Issuer Authentication failure on last online transaction",
      "         Issuer Authentication not performed after online authorization",
      "",
    ]);
  });

  it("names READ RECORD by SFI and record, SELECT by name, and explains the status word", async () => {
    const rr = await run(["decode", "--apdu", "00B2010C00", "6A83"]);
    expect(rr.out).toBe(
      "C-APDU CLA 00 INS B2 P1 01 P2 0C: READ RECORD SFI 1 record 1\n  Le 256\nR-APDU SW 6A83 (wrong parameters: record not found)\n",
    );
    const select = await run(["decode", "--apdu", "00A404000E315041592E5359532E444446303100", "6A82"]);
    expect(select.out.split("\n").slice(0, 3)).toEqual([
      "C-APDU CLA 00 INS A4 P1 04 P2 00: SELECT by DF name, first or only occurrence",
      "  Lc 14",
      '  data: 315041592E5359532E4444463031 "1PAY.SYS.DDF01"',
    ]);
  });

  it("decodes GPO command data as TLV and a format 1 GPO response as AIP and AFL", async () => {
    const r = await run(["decode", "--apdu", "80A8000002830000", "800E1C000801010010010100180304009000"]);
    expect(r.out.split("\n")).toEqual([
      "C-APDU CLA 80 INS A8 P1 00 P2 00: GET PROCESSING OPTIONS",
      "  Lc 2",
      "  data:",
      "    83 Command Template [0]",
      "  Le 256",
      "R-APDU SW 9000 (normal processing)",
      "  80 Response Message Template Format 1 [14] 1C00080101001001010018030400",
      "     82 Application Interchange Profile (AIP): 1C00",
      "       Cardholder verification is supported",
      "       Terminal risk management is to be performed",
      "       Issuer authentication is supported",
      "     94 Application File Locator (AFL): 080101001001010018030400",
      "       SFI 1 record 1",
      "       SFI 2 record 1",
      "       SFI 3 records 3-4",
      "",
    ]);
  });

  it("hides VERIFY PIN data", async () => {
    const r = await run(["decode", "--apdu", "0020008008241234FFFFFFFFFF", "9000"]);
    expect(r.out).toBe(
      "C-APDU CLA 00 INS 20 P1 00 P2 80: VERIFY, plaintext PIN\n  Lc 8\n  data: <8 bytes hidden>\nR-APDU SW 9000 (normal processing)\n",
    );
    expect(r.out).not.toContain("1234");
  });
});
