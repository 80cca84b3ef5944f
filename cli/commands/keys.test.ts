import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import type { CliIo } from "../command.js";
import { main } from "../main.js";

function io(): CliIo & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return { stdout, stderr, out: (t) => stdout.push(t), err: (t) => stderr.push(t), readStdin: async () => "" };
}

interface Key {
  rid: string;
  index: string;
  modulus: string;
  exponent: string;
  checksum: string;
  expiry: string;
}

describe("emvsim keys", () => {
  it("exports the test CA under A000000999 and every RID/index the built-in cards use, with Book 2 §11.2 checksums", async () => {
    const t = io();
    expect(await main(["keys"], t)).toBe(0);
    const keys = JSON.parse(t.stdout.join("")) as Key[];
    expect(keys.map((k) => `${k.rid}/${k.index}`)).toEqual([
      "A000000003/01",
      "A000000004/01",
      "A000000004/02",
      "A000000025/01",
      "A000000999/01",
      "A000000999/02",
    ]);
    for (const k of keys) {
      const sha = createHash("sha1")
        .update(Buffer.from(k.rid + k.index + k.modulus + k.exponent, "hex"))
        .digest("hex")
        .toUpperCase();
      expect(k.checksum).toBe(sha);
      expect(k.expiry).toMatch(/^\d{6}$/);
    }
    // The same key material under each RID: the card's certificates are all signed by the one test CA.
    expect(keys.find((k) => k.rid === "A000000003")!.modulus).toBe(keys.find((k) => k.rid === "A000000999")!.modulus);
  });

  it("--card gives only what that card needs; bad arguments are one line and exit 1", async () => {
    const t = io();
    expect(await main(["keys", "--card", "mastercard-cvn16-sda"], t)).toBe(0);
    expect((JSON.parse(t.stdout.join("")) as Key[]).map((k) => `${k.rid}/${k.index}`)).toEqual(["A000000004/02"]);
    const u = io();
    expect(await main(["keys", "--nope"], u)).toBe(1);
    expect(u.stderr.join("")).toMatch(/unknown option '--nope'/);
    // Issue 13 defect 7: the last --card won.
    const twice = io();
    expect(await main(["keys", "--card", "amex-cda", "--card", "mastercard-cvn16-sda"], twice)).toBe(1);
    expect(twice.stderr).toEqual(["emvsim keys: --card given twice"]);
  });
});
