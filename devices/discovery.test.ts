import { describe, expect, it } from "vitest";
import { discoverReaders } from "../serve/readers.js";
import { pcscReport } from "./discovery.js";

describe("reader discovery", () => {
  it("explains that pcscd is not running instead of failing", async () => {
    const r = await pcscReport("/nonexistent/emvsim/pcscd.comm");
    expect(r).toEqual({
      kind: "pcsc",
      available: false,
      reason:
        "pcscd is not running (no socket at /nonexistent/emvsim/pcscd.comm; start it with 'systemctl start pcscd' or 'sudo pcscd')",
      readers: [],
    });
  });

  it("reports every kind; available kinds list URIs usable with --reader", async () => {
    const reports = await discoverReaders();
    expect(reports.map((r) => r.kind)).toEqual(["emulator", "pcsc", "serial", "hid"]);
    for (const r of reports) {
      if (r.available) for (const x of r.readers) expect(x.uri.startsWith(`${r.kind}:`)).toBe(true);
      else expect(r.reason).toBeTruthy();
    }
  });
});
