// The catalog alone (no property suite), for the mutation driver: runs every case and prints the failing ids as
// one JSON line. Bundled by detect.ts from a copy of the sources with one bug planted.

import { runCatalog, selectCases } from "../runner.js";

const selected = selectCases({});
if (!selected.ok) {
  process.stdout.write(`${JSON.stringify({ error: selected.error })}\n`);
  process.exitCode = 2;
} else {
  const reports = await runCatalog(selected.value);
  const failed = reports.filter((r) => !r.passed).map((r) => r.id);
  process.stdout.write(`${JSON.stringify({ total: reports.length, failed })}\n`);
}
