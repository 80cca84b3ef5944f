// STAN sources (ISO 8583:1987 DE 11, n 6): in memory from a first value, or continued across processes in a file;
// both wrap from 999999 to 000001.

import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { fileStan, memoryStan } from "./stan.js";

const dir = mkdtempSync(join(tmpdir(), "emvsim-stan-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("STAN sources", () => {
  it("counts in memory and wraps after 999999", () => {
    const s = memoryStan(999_998);
    expect([s.next(), s.next(), s.next()]).toEqual(["999998", "999999", "000001"]);
  });

  it("continues in a file across sources (a new process) instead of restarting at 1", () => {
    const path = join(dir, "stan.T1");
    expect([fileStan(path).next(), fileStan(path).next()]).toEqual(["000001", "000002"]);
    const again = fileStan(path);
    expect([again.next(), again.next()]).toEqual(["000003", "000004"]);
    expect(readFileSync(path, "utf8")).toBe("000004\n");
    expect(statSync(path).mode & 0o777).toBe(0o600);
    writeFileSync(path, "999999\n");
    expect(fileStan(path).next()).toBe("000001");
  });

  it("refuses a file that does not hold a STAN", () => {
    const path = join(dir, "stan.bad");
    writeFileSync(path, "abc\n");
    expect(() => fileStan(path).next()).toThrowError(`STAN file ${path} does not hold a STAN (1 to 6 digits)`);
  });
});
