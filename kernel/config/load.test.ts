// Terminal configurations: every shipped one loads; each kind of mistake is one line naming the file and path.

import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { toHex } from "../../emv/bytes.js";
import {
  builtInCaKeySetNames,
  builtInTerminalConfigIds,
  loadCaKeyFile,
  loadCaKeySet,
  loadTerminalConfig,
  parseTerminalConfig,
  withCaKeys,
} from "./load.js";

const dir = mkdtempSync(join(tmpdir(), "emvsim-config-"));
const shipped = (id: string) =>
  JSON.parse(readFileSync(new URL(`./terminals/${id}.json`, import.meta.url), "utf8")) as Record<string, unknown>;
const mutate = (id: string, f: (c: Record<string, unknown> & { aids: Record<string, unknown>[] }) => void) => {
  const c = shipped(id) as Record<string, unknown> & { aids: Record<string, unknown>[] };
  f(c);
  return parseTerminalConfig(c, `${id}.json`);
};
const errorOf = (r: ReturnType<typeof parseTerminalConfig>) => (r.ok ? "(loaded)" : r.error);

describe("terminal configurations", () => {
  it("ships the five named configurations, each loading with its terminal type and CA keys", () => {
    expect(builtInTerminalConfigIds()).toEqual(["atm", "attended-pos", "offline-only", "online-only", "unattended"]);
    const types: Record<string, number> = {
      atm: 0x14,
      "attended-pos": 0x22,
      "offline-only": 0x23,
      "online-only": 0x21,
      unattended: 0x25,
    };
    for (const id of builtInTerminalConfigIds()) {
      const r = loadTerminalConfig(id);
      if (!r.ok) throw new Error(r.error);
      expect(r.config.terminalType).toBe(types[id]);
      expect(r.config.caKeys.some((k) => toHex(k.rid) === "A000000999" && k.index === 1)).toBe(true);
      expect(r.config.aids.map((a) => toHex(a.aid))).toContain("A0000000031010");
    }
    const pos = loadTerminalConfig("attended-pos");
    if (!pos.ok) throw new Error(pos.error);
    expect(toHex(pos.config.capabilities)).toBe("E0F8C8");
    expect(pos.config.countryCode).toBe(840);
    expect(toHex(pos.config.terminalData.get(0x9f1c)!)).toBe("454D5653494D3031");
  });

  it("ships CA key sets whose checksums all verify", () => {
    expect(builtInCaKeySetNames()).toEqual(["emvco-test", "emvsim-test"]);
    const emvco = loadCaKeySet("emvco-test");
    if (!emvco.ok) throw new Error(emvco.error);
    expect(emvco.keys.length).toBe(43);
    expect(emvco.keys.some((k) => toHex(k.rid) === "A000000003" && k.index === 0x92)).toBe(true);
    // Every shipped key carries its checksum, so loading verified each one.
    for (const name of builtInCaKeySetNames()) {
      const raw = JSON.parse(readFileSync(new URL(`./capks/${name}.json`, import.meta.url), "utf8")) as {
        keys: { checksum?: string }[];
      };
      expect(raw.keys.every((k) => /^[0-9A-F]{40}$/.test(k.checksum ?? ""))).toBe(true);
    }
  });

  it("the emvsim test CA set holds the emulator's CA public keys under each RID and index the cards use", () => {
    const ca = JSON.parse(readFileSync(new URL("../../emulator/profiles/keys/ca.json", import.meta.url), "utf8")) as {
      keys: { index: string; modulus: string; exponent: string }[];
    };
    const set = loadCaKeySet("emvsim-test");
    if (!set.ok) throw new Error(set.error);
    const byIndex = new Map(ca.keys.map((k) => [Number.parseInt(k.index, 16), k]));
    expect(set.keys.map((k) => `${toHex(k.rid)}/${k.index}`)).toEqual([
      "A000000003/1",
      "A000000004/1",
      "A000000004/2",
      "A000000025/1",
      "A000000999/1",
      "A000000999/2",
    ]);
    for (const k of set.keys) {
      const source = byIndex.get(k.index);
      expect(toHex(k.modulus)).toBe(source?.modulus.toUpperCase());
      expect(toHex(k.exponent)).toBe(source?.exponent.toUpperCase());
    }
  });

  it("names the file and path of each mistake", () => {
    expect(
      errorOf(
        mutate("attended-pos", (c) => {
          c.aids[1]!.tacDenial = "00100000";
        }),
      ),
    ).toBe("attended-pos.json: aids[1].tacDenial: must be 5 bytes (10 hex digits), got 4");
    expect(
      errorOf(
        mutate("attended-pos", (c) => {
          c.capabilities = "E0F8";
        }),
      ),
    ).toBe("attended-pos.json: capabilities: must be 3 bytes (6 hex digits), got 2");
    expect(
      errorOf(
        mutate("attended-pos", (c) => {
          c.additionalCapabilities = "F000F0A";
        }),
      ),
    ).toBe("attended-pos.json: additionalCapabilities: must be 5 bytes (10 hex digits), got 7 hex digits");
    expect(
      errorOf(
        mutate("attended-pos", (c) => {
          c.aids[2]!.aid = "A000000004";
          c.aids[3]!.aid = "A0000000041010FFFFFFFFFFFFFFFFFF01";
        }),
      ),
    ).toBe("attended-pos.json: aids[3].aid: must be 5 to 16 bytes (RID and a PIX of up to 11), got 17");
    expect(
      errorOf(
        mutate("attended-pos", (c) => {
          c.capabilities = "E0F8CG";
        }),
      ),
    ).toBe("attended-pos.json: capabilities: must be hex digits only");
    expect(
      errorOf(
        mutate("unattended", (c) => {
          c.aids[0]!.defaultDdol = "9F370";
        }),
      ),
    ).toBe("unattended.json: aids[0].defaultDdol: must be hex with an even number of digits");
    expect(
      errorOf(
        mutate("unattended", (c) => {
          c.currencyExponent = "2";
        }),
      ),
    ).toBe('unattended.json: currencyExponent: must be number (got string "2")');
    expect(
      errorOf(
        mutate("unattended", (c) => {
          c.description = 'line one\nline "two"';
          c.specVersion = 4.4;
        }),
      ),
    ).toBe('unattended.json: specVersion: must be one of "4.3", "4.4"');
    expect(
      errorOf(
        mutate("unattended", (c) => {
          c.currencyExponent = 'two\nlines "2"';
        }),
      ),
    ).toBe('unattended.json: currencyExponent: must be number (got string "two\\nlines \\"2\\"")');
    expect(
      errorOf(
        mutate("unattended", (c) => {
          delete c.pinBypass;
        }),
      ),
    ).toBe("unattended.json: pinBypass: must be boolean (missing)");
    expect(
      errorOf(
        mutate("atm", (c) => {
          c.colour = "blue";
        }),
      ),
    ).toBe("atm.json: (config): unknown field 'colour'");
    expect(
      errorOf(
        mutate("atm", (c) => {
          c.terminalType = "27";
        }),
      ),
    ).toMatch(/^atm\.json: terminalType: must be a terminal type of Book 4 Annex A1/);
    expect(
      errorOf(
        mutate("attended-pos", (c) => {
          (c.aids[0]!.randomSelection as { targetPercent: number }).targetPercent = 60;
        }),
      ),
    ).toBe("attended-pos.json: aids[0].randomSelection: target 60% is above the maximum target 50% (Book 3 §10.6.2)");
    expect(
      errorOf(
        mutate("attended-pos", (c) => {
          (c.aids[4]!.randomSelection as { maxTargetPercent: number }).maxTargetPercent = 120;
        }),
      ),
    ).toBe("attended-pos.json: aids[4].randomSelection.maxTargetPercent: must be at most 99");
    expect(
      errorOf(
        mutate("attended-pos", (c) => {
          (c.aids[0]!.randomSelection as { targetPercent: number }).targetPercent = -1;
        }),
      ),
    ).toBe("attended-pos.json: aids[0].randomSelection.targetPercent: must be at least 0");
    expect(
      errorOf(
        mutate("attended-pos", (c) => {
          (c.aids[1]!.randomSelection as { threshold: number }).threshold = 6000;
        }),
      ),
    ).toBe("attended-pos.json: aids[1].randomSelection.threshold: 6000 is above the floor limit 5000 (Book 3 §10.6.2)");
    expect(
      errorOf(
        mutate("attended-pos", (c) => {
          c.aids[1]!.aid = c.aids[0]!.aid;
        }),
      ),
    ).toBe("attended-pos.json: aids[1].aid: A0000000031010 is already configured at aids[0]");
    expect(
      errorOf(
        mutate("offline-only", (c) => {
          c.onlineCapable = true;
        }),
      ),
    ).toBe("offline-only.json: onlineCapable: terminal type 23 is offline only (Book 4 Annex A1)");
    expect(
      errorOf(
        mutate("atm", (c) => {
          c.caKeySets = ["nope"];
        }),
      ),
    ).toBe("atm.json: caKeySets: unknown CA key set 'nope' (known: emvco-test, emvsim-test)");
  });

  it("terminal data: tags in hex, none that has its own field, none twice", () => {
    const withData = (data: Record<string, string>) =>
      errorOf(
        mutate("attended-pos", (c) => {
          c.terminalData = data;
        }),
      );
    expect(withData({ "9F1": "00" })).toBe("attended-pos.json: terminalData.9F1: must be a tag of 1 to 3 bytes in hex");
    expect(withData({ "9F33": "E0F8C8" })).toBe(
      "attended-pos.json: terminalData.9F33: 9F33 is set by capabilities, not here",
    );
    expect(withData({ "9F1C": "3031", "9f1c": "3032" })).toBe(
      "attended-pos.json: terminalData.9f1c: 9F1C is given twice",
    );
    expect(withData({ "9F1C": "30313" })).toBe(
      "attended-pos.json: terminalData.9F1C: must be hex with an even number of digits",
    );
    const ok = mutate("attended-pos", (c) => {
      c.terminalData = { "9f1c": "3132333435363738", DF8101: "01" };
    });
    if (!ok.ok) throw new Error(ok.error);
    expect([...ok.config.terminalData].map(([t, v]) => `${t.toString(16)}=${toHex(v)}`)).toEqual([
      "9f1c=3132333435363738",
      "df8101=01",
    ]);
  });

  it("rejects a CA key with a wrong checksum, naming it", () => {
    const r = mutate("atm", (c) => {
      c.caKeys = [{ ...(loadCaKeySetJson()[0] as object), checksum: "00".repeat(20) }];
    });
    expect(errorOf(r)).toMatch(/^atm\.json: caKeys\[0\]\.checksum: 0{40} does not match SHA-1/);
  });

  it("unknown ids, unreadable files and invalid JSON are one-line errors", () => {
    expect(errorOf(loadTerminalConfig("kiosk"))).toBe(
      "unknown terminal configuration 'kiosk' (built-in: atm, attended-pos, offline-only, online-only, unattended; or give a file path)",
    );
    expect(errorOf(loadTerminalConfig(join(dir, "missing.json")))).toMatch(/missing\.json: cannot read it \(ENOENT\)$/);
    const bad = join(dir, "bad.json");
    writeFileSync(bad, "{ nope");
    expect(errorOf(loadTerminalConfig(bad))).toMatch(/bad\.json: not valid JSON/);
  });

  it("--capk files add or replace keys by RID and index", () => {
    const file = join(dir, "keys.json");
    writeFileSync(file, JSON.stringify(loadCaKeySetJson().slice(0, 1)));
    const keys = loadCaKeyFile(file);
    if (!keys.ok) throw new Error(keys.error);
    const pos = loadTerminalConfig("attended-pos");
    if (!pos.ok) throw new Error(pos.error);
    const more = withCaKeys(pos.config, keys.keys);
    expect(more.caKeys.length).toBe(pos.config.caKeys.length);
    writeFileSync(file, "[{}]");
    expect(errorOf(loadCaKeyFile(file) as never)).toBe("keys.json[0].rid: expected a hex string");
  });

  it("9F33 CVM bits must agree with the PIN pad and the terminal type", () => {
    expect(
      errorOf(
        mutate("attended-pos", (c) => {
          c.pinPadPresent = false;
          c.pinBypass = false;
          delete c.pinEncryptionKey;
        }),
      ),
    ).toBe(
      "attended-pos.json: capabilities: byte 2 claims plaintext PIN for ICC verification (b8), enciphered PIN for online verification (b7), enciphered PIN for offline verification (b5) but pinPadPresent is false (Book 4 Annex A2)",
    );
    expect(
      errorOf(
        mutate("attended-pos", (c) => {
          c.capabilities = "E028C8";
          c.pinPadPresent = false;
          delete c.pinEncryptionKey;
        }),
      ),
    ).toBe("attended-pos.json: pinBypass: PIN bypass needs a PIN pad (pinPadPresent is false)");
    expect(
      errorOf(
        mutate("online-only", (c) => {
          c.capabilities = "E028C8";
          c.pinPadPresent = false;
        }),
      ),
    ).toBe("online-only.json: pinEncryptionKey: a PIN encryption key needs a PIN pad (pinPadPresent is false)");
    expect(
      errorOf(
        mutate("online-only", (c) => {
          c.pinEncryptionKey = "0123456789ABCDEF0123456789ABCDEF01234567";
        }),
      ),
    ).toBe("online-only.json: pinEncryptionKey: must be a double- or triple-length TDES key (16 or 24 bytes), got 20");
    expect(
      errorOf(
        mutate("unattended", (c) => {
          c.capabilities = "E0F8C8";
        }),
      ),
    ).toBe(
      "unattended.json: capabilities: byte 2 claims signature (b6) but terminal type 25 is unattended (Book 4 Annex A1)",
    );
    const noPinPad = mutate("online-only", (c) => {
      c.capabilities = "E028C8";
      c.pinPadPresent = false;
      delete c.pinEncryptionKey;
    });
    expect(noPinPad.ok && toHex(noPinPad.config.capabilities)).toBe("E028C8");
  });

  it("every built-in card finds its application under every shipped configuration", () => {
    const profiles = new URL("../../emulator/profiles/", import.meta.url);
    const cardAids = new Set<string>();
    const collect = (v: unknown): void => {
      if (Array.isArray(v)) for (const x of v) collect(x);
      else if (v !== null && typeof v === "object")
        for (const [k, x] of Object.entries(v)) {
          if (k === "aid" && typeof x === "string") cardAids.add(x.toUpperCase());
          else collect(x);
        }
    };
    for (const f of readdirSync(profiles).filter((n) => n.endsWith(".json")))
      collect(JSON.parse(readFileSync(new URL(f, profiles), "utf8")));
    expect([...cardAids].sort()).toEqual([
      "A0000000031010",
      "A0000000032010",
      "A0000000041010",
      "A0000000043060",
      "A00000002501",
    ]);
    for (const id of builtInTerminalConfigIds()) {
      const r = loadTerminalConfig(id);
      if (!r.ok) throw new Error(r.error);
      for (const card of [...cardAids, "A000000025010801"]) {
        // Book 1 §12.3.1: exact match, or the card's DF name starts with the terminal AID and partial selection is allowed.
        const found = r.config.aids.some((a) => {
          const t = toHex(a.aid);
          return card === t || (a.partialSelection && card.startsWith(t));
        });
        expect(found, `${card} under ${id}`).toBe(true);
      }
    }
  });

  it("unreadable files are one line naming the file", () => {
    expect(errorOf(loadTerminalConfig(`${dir}/`))).toBe(`terminal configuration ${dir}: cannot read it (EISDIR)`);
    expect(errorOf(loadCaKeyFile(join(dir, "none.json")) as never)).toBe(
      `CA key file ${join(dir, "none.json")}: cannot read it (ENOENT)`,
    );
    const notKeys = join(dir, "not-keys.json");
    writeFileSync(notKeys, '{"rid":"A000000003"}');
    expect(errorOf(loadCaKeyFile(notKeys) as never)).toBe(
      'not-keys.json: expected an array of CA keys (or { "keys": [...] })',
    );
  });

  it("any JSON value at all gives a one-line error, never a throw", () => {
    expect(errorOf(parseTerminalConfig(null, "x.json"))).toBe("x.json: (config): must be object (got null)");
    expect(errorOf(parseTerminalConfig([], "x.json"))).toBe("x.json: (config): must be object (got an array)");
    fc.assert(
      fc.property(fc.jsonValue(), (json) => {
        const r = parseTerminalConfig(json, "x.json");
        expect(r.ok).toBe(false);
        if (!r.ok) expect(r.error).toMatch(/^x\.json: [^\n]+$/);
      }),
      { numRuns: 200 },
    );
  });

  it("random mutations of a valid configuration load or name a path, never throw", () => {
    const base = shipped("attended-pos");
    // Every path in the shipped configuration, inner objects and arrays included.
    const paths: (string | number)[][] = [];
    const walk = (v: unknown, at: (string | number)[]): void => {
      if (at.length > 0) paths.push(at);
      if (Array.isArray(v)) for (const [i, x] of v.entries()) walk(x, [...at, i]);
      else if (v !== null && typeof v === "object") for (const [k, x] of Object.entries(v)) walk(x, [...at, k]);
    };
    walk(base, []);
    const topLevel = new Set([...Object.keys(base), "caKeys", "(config)"]);
    const hexString = fc.string({ unit: fc.constantFrom(..."0123456789ABCDEFabcdefG "), maxLength: 40 });
    const value = fc.oneof(
      hexString,
      fc.string(),
      fc.integer(),
      fc.double(),
      fc.boolean(),
      fc.constant(null),
      fc.constant(undefined),
      fc.array(hexString, { maxLength: 3 }),
      fc.dictionary(fc.string({ maxLength: 4 }), hexString, { maxKeys: 2 }),
    );
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.constantFrom(...paths), value), { minLength: 1, maxLength: 3 }), (edits) => {
        const c = structuredClone(base);
        for (const [path, v] of edits) {
          let o: unknown = c;
          for (const k of path.slice(0, -1)) o = o !== null && typeof o === "object" ? (o as never)[k] : undefined;
          if (o === null || typeof o !== "object") continue;
          const last = path[path.length - 1]!;
          if (v === undefined && !Array.isArray(o)) delete (o as Record<string, unknown>)[last];
          else (o as Record<string | number, unknown>)[last] = v;
        }
        const r = parseTerminalConfig(c, "m.json");
        if (r.ok) return;
        expect(r.error).not.toContain("\n");
        // The error names the path from a top-level field (a dictionary key may itself hold ':' or '.').
        const named = /^m\.json: ([A-Za-z()]+)(?:[.[:]|$)/.exec(r.error);
        expect(named, r.error).not.toBeNull();
        expect(topLevel.has(named![1]!), r.error).toBe(true);
      }),
      { numRuns: 300 },
    );
  });
});

function loadCaKeySetJson(): unknown[] {
  return (JSON.parse(readFileSync(new URL("./capks/emvsim-test.json", import.meta.url), "utf8")) as { keys: unknown[] })
    .keys;
}
