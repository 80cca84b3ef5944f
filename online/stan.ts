// The terminal's Systems Trace Audit Number (ISO 8583:1987 DE 11, n 6): unique per terminal for every message
// it originates, so a host can tell a retransmission from a new request. Kept in a file so that a new process
// continues after the last STAN used instead of starting at 1 again (the host would take the repeat for a
// retransmission). One process at a time per file: the file is rewritten (temporary file + rename) before each use.

import { existsSync, readFileSync, renameSync, writeFileSync } from "node:fs";

export interface StanSource {
  /** The next STAN, 6 digits, 000001 to 999999 (then 000001 again). */
  next(): string;
}

const MAX = 999_999;
const pad = (n: number) => String(n).padStart(6, "0");

/** STANs counted in memory from `first` (default 1). */
export function memoryStan(first = 1): StanSource {
  let n = first;
  return {
    next() {
      const s = pad(n);
      n = n >= MAX ? 1 : n + 1;
      return s;
    },
  };
}

/** STANs continued across processes through `path` (the last STAN used, as digits). */
export function fileStan(path: string): StanSource {
  return {
    next() {
      let last = 0;
      if (existsSync(path)) {
        const text = readFileSync(path, "utf8").trim();
        if (!/^\d{1,6}$/.test(text)) throw new Error(`STAN file ${path} does not hold a STAN (1 to 6 digits)`);
        last = Number(text);
      }
      const n = last >= MAX ? 1 : last + 1;
      const tmp = `${path}.tmp`;
      writeFileSync(tmp, `${pad(n)}\n`, { mode: 0o600 });
      renameSync(tmp, path);
      return pad(n);
    },
  };
}
