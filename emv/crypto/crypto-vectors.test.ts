// Every case of the symmetric EMV vectors (fixtures/crypto-vectors.json, from pyemv): key derivation, session
// keys, cryptograms, ARPC, secure messaging, PIN blocks, CVC3, MAC, parity and KCV reproduce exactly.

import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { concatBytes, fromHex, toHex } from "../bytes.js";
import { arpcMethod1, arpcMethod2 } from "./arpc.js";
import {
  acInputData,
  acSessionKey,
  cryptogramScheme,
  deriveIccMasterKeys,
  encipherPinChange,
  generateApplicationCryptogram,
  issuerAuthentication,
  scriptCommand,
  secureMessagingKeys,
} from "./cryptogram.js";
import { cvc3 } from "./cvc3.js";
import { adjustParity, desEncryptEcb, keyCheckValue } from "./des.js";
import { iccMasterKeyOptionA, iccMasterKeyOptionB } from "./key-derivation.js";
import { macAlgorithm3, type Padding, retailMac } from "./mac.js";
import { pinBlockFormat2, visaPinChangeBlock } from "./pin-block.js";
import { encipherScriptData } from "./secure-messaging.js";
import { commonSessionKey, emv2000TreeSessionKey, visaSecureMessagingSessionKey } from "./session-keys.js";

type Json = Record<string, unknown>;
interface VectorCase {
  readonly id: string;
  readonly profile?: string;
  readonly inputs: Json;
  readonly expected: Record<string, string>;
  readonly computed_by_collector?: Record<string, string>;
  readonly pin_change_commands?: readonly {
    readonly new_pin: string;
    readonly current_pin: string | null;
    readonly header: string;
    readonly expected_command: string;
  }[];
}

const file = JSON.parse(readFileSync(new URL("./fixtures/crypto-vectors.json", import.meta.url), "utf8")) as {
  cases: VectorCase[];
};
const h = (v: unknown): Uint8Array => fromHex(String(v));
const s = (v: unknown): string => String(v);
const kcv2 = (k: Uint8Array) => toHex(keyCheckValue(k, 2));
const cases = file.cases;
const handled = new Set<string>();
function run(prefix: string | ((id: string) => boolean), fn: (c: VectorCase) => void): void {
  const match = typeof prefix === "string" ? (id: string) => id.startsWith(prefix) : prefix;
  for (const c of cases.filter((x) => match(x.id))) {
    handled.add(c.id);
    it(c.id, () => fn(c));
  }
}

describe("crypto vectors (pyemv)", () => {
  it("the fixture holds 62 cases", () => expect(cases).toHaveLength(62));

  // Master key derivation, common session key, AC, ARPC (pyemv tests/test_kd_hsm.py).
  run(
    (id) => id.startsWith("pyemv-kd-") || id.startsWith("pyemv-ac-"),
    (c) => {
      const i = c.inputs;
      const imk = h(i.issuer_master_key);
      const psn = i.psn === null ? undefined : s(i.psn);
      const mk =
        s(i.master_key_derivation) === "EMV Option A"
          ? iccMasterKeyOptionA(imk, s(i.pan), psn)
          : iccMasterKeyOptionB(imk, s(i.pan), psn);
      const sk = commonSessionKey(mk, h(i.diversification_R));
      const padding: Padding = s(i.ac_padding).includes("method 1") ? 1 : 2;
      const arqc = retailMac(sk, h(i.ac_input_data), padding);
      expect(kcv2(imk)).toBe(c.expected.issuer_master_key_kcv2);
      if (c.expected.icc_master_key_kcv2) expect(kcv2(mk)).toBe(c.expected.icc_master_key_kcv2);
      if (c.computed_by_collector?.icc_master_key) expect(toHex(mk)).toBe(c.computed_by_collector.icc_master_key);
      expect(kcv2(sk)).toBe(c.expected.ac_session_key_kcv2);
      expect(toHex(arqc)).toBe(c.expected.arqc);
      const arpcKey = s(i.arpc_key) === "ICC master key" ? mk : sk;
      const arpc =
        i.arpc_method === 1
          ? arpcMethod1(arpcKey, arqc, h(i.arpc_rc))
          : arpcMethod2(arpcKey, arqc, h(i.csu), i.prop_auth_data ? h(i.prop_auth_data) : undefined);
      expect(toHex(arpc)).toBe(c.expected.arpc);
    },
  );

  run("pyemv-doctest-icc-mk-", (c) => {
    const i = c.inputs;
    const derive = s(i.method) === "Option A" ? iccMasterKeyOptionA : iccMasterKeyOptionB;
    expect(toHex(derive(h(i.issuer_master_key), s(i.pan), s(i.psn)))).toBe(c.expected.icc_master_key);
  });

  run("pyemv-doctest-common-sk", (c) => {
    expect(toHex(commonSessionKey(h(c.inputs.master_key), h(c.inputs.R)))).toBe(c.expected.session_key);
  });

  run("pyemv-doctest-visa-sm-sk", (c) => {
    const sk = visaSecureMessagingSessionKey(h(c.inputs.master_key), h(c.inputs.atc));
    expect(toHex(sk)).toBe(c.expected.session_key);
  });

  run(
    (id) => id.includes("emv2000-tree"),
    (c) => {
      const i = c.inputs;
      const mk = h(i.icc_master_key ?? i.master_key);
      const sk = emv2000TreeSessionKey(mk, h(i.atc), Number(i.height), Number(i.branch_factor), h(i.iv));
      expect(toHex(sk)).toBe(c.expected.session_key);
    },
  );

  run(
    (id) => id === "pyemv-doctest-ac-basic" || id === "pyemv-doctest-ac-tags",
    (c) => {
      expect(toHex(retailMac(h(c.inputs.session_key), h(c.inputs.data), 2))).toBe(c.expected.ac);
    },
  );

  run(
    (id) => id.startsWith("pyemv-doctest-arpc1"),
    (c) => {
      const arpc = arpcMethod1(h(c.inputs.session_key), h(c.inputs.arqc), h(c.inputs.arpc_rc));
      expect(toHex(arpc)).toBe(c.expected.arpc);
    },
  );

  run(
    (id) => id.startsWith("pyemv-doctest-arpc2"),
    (c) => {
      const arpc = arpcMethod2(h(c.inputs.session_key), h(c.inputs.arqc), h(c.inputs.csu));
      expect(toHex(arpc)).toBe(c.expected.arpc);
    },
  );

  run("pyemv-doctest-sm-mac", (c) => {
    const data = h(c.inputs.command ?? c.inputs.data);
    expect(toHex(retailMac(h(c.inputs.session_key), data, 2))).toBe(c.expected.mac);
  });

  run("pyemv-doctest-sm-enc", (c) => {
    const style = s(c.inputs.encryption).startsWith("EMV") ? "emv" : "mastercard";
    const out = encipherScriptData(h(c.inputs.session_key), h(c.inputs.plaintext), style);
    expect(toHex(out)).toBe(c.expected.ciphertext);
  });

  run("pyemv-doctest-pin-block-visa", (c) => {
    expect(toHex(visaPinChangeBlock(h(c.inputs.icc_mk_ac), s(c.inputs.pin)))).toBe(c.expected.pin_block);
  });

  run("pyemv-doctest-pin-block-iso2", (c) => {
    expect(toHex(pinBlockFormat2(s(c.inputs.pin)))).toBe(c.expected.pin_block);
  });

  run(
    (id) => id.includes("cvc3"),
    (c) => {
      const i = c.inputs;
      const key = iccMasterKeyOptionA(h(i.issuer_cvc3_key), s(i.pan), s(i.psn));
      if (c.computed_by_collector?.icc_cvc3_key) expect(toHex(key)).toBe(c.computed_by_collector.icc_cvc3_key);
      if (c.expected.icc_cvc3_key_kcv2) expect(kcv2(key)).toBe(c.expected.icc_cvc3_key_kcv2);
      const value = cvc3(key, h(i.track2 ?? i.track_data), h(i.un), h(i.atc));
      const full = c.expected.cvc3 ?? c.computed_by_collector?.cvc3_full;
      expect(String(value).padStart(5, "0")).toBe(full);
      if (c.expected.cvc3_last3) expect(String(value % 1000).padStart(3, "0")).toBe(c.expected.cvc3_last3);
    },
  );

  run(
    (id) => id.startsWith("pyemv-doctest-mac-9797") || id.startsWith("pyemv-mac-hello"),
    (c) => {
      const padding = Number(c.inputs.padding) as Padding;
      expect(toHex(macAlgorithm3(h(c.inputs.key1), h(c.inputs.key2), h(c.inputs.data), padding))).toBe(c.expected.mac);
    },
  );

  run("pyemv-doctest-key-parity", (c) => {
    expect(toHex(adjustParity(h(c.inputs.key)))).toBe(c.expected.odd_parity_adjusted);
  });
  run("pyemv-doctest-kcv", (c) => expect(kcv2(h(c.inputs.key))).toBe(c.expected.kcv2));
  run("pyemv-doctest-tdes-ecb", (c) => {
    expect(toHex(desEncryptEcb(h(c.inputs.key), h(c.inputs.plaintext)))).toBe(c.expected.ciphertext);
  });

  run("pyemv-visa-sm-sk-command-mac", (c) => {
    const i = c.inputs;
    const mk = iccMasterKeyOptionA(h(i.issuer_master_key), s(i.pan), undefined);
    const sk = visaSecureMessagingSessionKey(mk, h(i.atc));
    expect(kcv2(h(i.issuer_master_key))).toBe(c.expected.issuer_master_key_kcv2);
    expect(kcv2(mk)).toBe(c.expected.icc_master_key_kcv2);
    expect(kcv2(sk)).toBe(c.expected.sm_session_key_kcv2);
    expect(toHex(retailMac(sk, h(i.mac_data), 2))).toBe(c.expected.mac);
  });

  // Whole cryptogram versions through cryptogram.ts (pyemv tests/test_cvn_hsm.py and the cvn.py docstring).
  run(
    (id) => cvnOf(id) !== undefined,
    (c) => {
      const i = c.inputs;
      const scheme = cryptogramScheme(cvnOf(c.id)!)!;
      expect(scheme).toBeDefined();
      const derivation = c.profile?.includes("option B") ? "B" : "A";
      const mk = deriveIccMasterKeys(
        { ac: h(i.issuer_mk_ac), smi: h(i.issuer_mk_smi), smc: h(i.issuer_mk_smc) },
        s(i.pan),
        s(i.psn),
        derivation,
      );
      const iad = i["9F10"]
        ? h(i["9F10"])
        : i.counters
          ? concatBytes(Uint8Array.of(0x01, 0x11), h(i.cvr), Uint8Array.of(0, 0), h(i.counters))
          : scheme.iad === "visa-cvr"
            ? concatBytes(Uint8Array.of(0x06, 0x01, 0x0a), h(i.cvr))
            : concatBytes(Uint8Array.of(0x01, 0x10), h(i.cvr), Uint8Array.of(0, 0));
      const value = (tag: number) => {
        if (tag === 0x9f10) return iad;
        const v = i[tag.toString(16).toUpperCase()];
        return v === undefined ? undefined : h(v);
      };
      const collector = c.computed_by_collector ?? {};
      if (collector.icc_mk_ac) expect(toHex(mk.ac)).toBe(collector.icc_mk_ac);
      if (c.expected.icc_mk_ac_kcv2) {
        expect(kcv2(mk.ac)).toBe(c.expected.icc_mk_ac_kcv2);
        expect(kcv2(mk.smi!)).toBe(c.expected.icc_mk_smi_kcv2);
        expect(kcv2(mk.smc!)).toBe(c.expected.icc_mk_smc_kcv2);
      }
      const input = acInputData(scheme, value);
      expect(input.ok && toHex(input.data)).toBe(collector.ac_input_data);
      const atc = h(i["9F36"]);
      const un = h(i["9F37"]);
      const sk = acSessionKey(scheme, mk.ac, atc, un);
      if (collector.ac_session_key) expect(toHex(sk)).toBe(collector.ac_session_key);
      const ac = generateApplicationCryptogram(scheme, mk.ac, value);
      const arqc = ac.ok ? ac.data : new Uint8Array(0);
      expect(toHex(arqc)).toBe(c.expected.arqc_9F26 ?? c.expected.arqc);

      const arpcSpec = i.arpc as { method: number; arpc_rc?: string; csu?: string } | undefined;
      const arc = h(arpcSpec?.arpc_rc ?? "0000");
      const ia = issuerAuthentication(
        scheme,
        mk.ac,
        { atc, unpredictableNumber: un, arqc },
        { arc, csu: h("00000000") },
      );
      const expectedArpc = c.expected.arpc ?? c.expected.arpc_method2_csu_00000000;
      expect(toHex(ia.subarray(0, scheme.arpc.method === 1 ? 8 : 4))).toBe(expectedArpc);

      const sm = secureMessagingKeys(scheme, mk, atc, arqc)!;
      if (collector.sm_integrity_session_key) {
        expect(toHex(sm.smi)).toBe(collector.sm_integrity_session_key);
        expect(toHex(sm.smc)).toBe(collector.sm_confidentiality_session_key);
      }
      const macSpec = i.command_mac as { header: string } | undefined;
      const header = h(macSpec?.header ?? "8418000008");
      const command = scriptCommand(scheme, sm.smi, {
        cla: header[0]!,
        ins: header[1]!,
        p1: header[2]!,
        p2: header[3]!,
        data: new Uint8Array(0),
        atc,
        arqc,
      });
      expect(toHex(command.subarray(5))).toBe(c.expected.command_mac ?? c.expected.command_mac_8418000008);

      const pinCommands = c.pin_change_commands ?? [
        { new_pin: "9999", current_pin: null, header: "8424000218", expected_command: c.expected.pin_change_command! },
      ];
      for (const p of pinCommands) {
        const ph = h(p.header);
        const data = encipherPinChange(scheme, mk.ac, sm.smc, p.new_pin, p.current_pin ?? undefined);
        const cmd = scriptCommand(scheme, sm.smi, {
          cla: ph[0]!,
          ins: ph[1]!,
          p1: ph[2]!,
          p2: ph[3]!,
          data,
          atc,
          arqc,
        });
        expect(toHex(cmd)).toBe(p.expected_command);
      }
    },
  );

  it("every case is covered by a check", () => {
    expect(cases.filter((c) => !handled.has(c.id)).map((c) => c.id)).toEqual([]);
  });
});

function cvnOf(id: string): number | undefined {
  const m = /^pyemv-(?:doctest-)?(?:visa|mastercard|interac)-cvn(\d+)$/.exec(id);
  return m ? Number(m[1]) : undefined;
}
