import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { tagFromHex } from "./ber.js";
import { TAG } from "./tag-names.js";
import { allTagInfo, tagInfo, tagName } from "./tags.js";

interface SourceTag {
  tag: string;
  key: string;
  name: string;
  format_class: string | null;
  length_min: number | null;
  length_max: number | null;
  constructed: boolean;
}
const fixture = JSON.parse(readFileSync(new URL("./fixtures/tags.json", import.meta.url), "utf8")) as {
  tags: SourceTag[];
};

describe("tag dictionary (Book 3 Annex A)", () => {
  it("holds every entry of the source, at least 250 tags", () => {
    expect(allTagInfo()).toHaveLength(fixture.tags.length);
    expect(new Set(allTagInfo().map((t) => t.tag)).size).toBeGreaterThanOrEqual(250);
  });

  it("matches the source entry by entry (tag, key, length, constructed, format)", () => {
    const generated = new Map(allTagInfo().map((t) => [t.key, t]));
    for (const s of fixture.tags) {
      const g = generated.get(s.key);
      expect(g, s.key).toBeDefined();
      expect(g?.tag).toBe(tagFromHex(s.tag));
      expect(g?.lengthMin).toBe(s.length_min ?? undefined);
      expect(g?.lengthMax).toBe(s.length_max ?? undefined);
      expect(g?.constructed).toBe(s.constructed);
      const format = s.format_class === null || s.format_class === "--" ? undefined : s.format_class;
      expect(g?.format, s.key).toBe(format);
    }
  });

  it("describes well-known data objects", () => {
    expect(tagInfo(0x9f02)).toMatchObject({
      name: "Amount, Authorised (Numeric)",
      format: "n",
      source: ["terminal"],
      lengthMin: 6,
      lengthMax: 6,
      constructed: false,
    });
    expect(tagInfo(0x5a)).toMatchObject({ format: "cn", source: ["ICC"], lengthMax: 10 });
    expect(tagInfo(0x8e)).toMatchObject({ format: "b", lengthMin: 10, lengthMax: 252, template: [0x70, 0x77] });
    expect(tagInfo(0x70)?.constructed).toBe(true);
    expect(tagName(0x82)).toBe("Application Interchange Profile (AIP)");
    expect(tagName(0x9f4e)).toBe("Merchant Name and Location");
  });

  it("resolves the biometric tag@template duplicates by enclosing template", () => {
    expect(tagName(0x82, 0xa1)).toBe("Biometric Subtype");
    expect(tagName(0x82, 0x77)).toBe("Application Interchange Profile (AIP)");
    expect(tagName(0x81, 0xbf4e)).toBe("Biometric Type");
    expect(tagName(0x81)).toBe("Amount, Authorised (Binary)");
    expect(tagName(0xdf50, 0xbf4c)).toBe("Facial Try Counter");
    expect(tagName(0xdf50, 0xbf4d)).toBe("Preferred Facial Attempts");
  });

  it("answers undefined for unknown tags", () => {
    expect(tagInfo(0xdf7f)).toBeUndefined();
    expect(tagName(0x01)).toBeUndefined();
  });
});

describe("generated tag files", () => {
  it("tag-dictionary.ts and tag-names.ts are what the generator makes from fixtures/tags.json", () => {
    const script = fileURLToPath(new URL("./generate-tag-dictionary.mjs", import.meta.url));
    expect(execFileSync(process.execPath, [script, "--check"], { encoding: "utf8" })).toMatch(/^up to date/);
  });

  it("every named tag is a dictionary tag, named once", () => {
    const known = new Set(allTagInfo().map((t) => t.tag));
    for (const [name, tag] of Object.entries(TAG)) expect(known.has(tag), name).toBe(true);
    expect(new Set(Object.values(TAG)).size).toBe(Object.keys(TAG).length);
    // The books' names for the objects the kernels use most (Book 3 Annex A).
    expect(TAG.APPLICATION_PRIMARY_ACCOUNT_NUMBER).toBe(0x5a);
    expect(TAG.APPLICATION_FILE_LOCATOR).toBe(0x94);
    expect(TAG.APPLICATION_TRANSACTION_COUNTER).toBe(0x9f36);
    expect(TAG.LAST_ONLINE_ATC_REGISTER).toBe(0x9f13);
    expect(TAG.TERMINAL_TRANSACTION_QUALIFIERS).toBe(0x9f66);
    expect(TAG.CARD_RISK_MANAGEMENT_DATA_OBJECT_LIST_1).toBe(0x8c);
  });
});
