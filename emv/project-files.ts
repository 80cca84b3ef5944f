// Where the project's data files are (built-in card profiles, terminal configurations, CA key sets): found by
// looking upwards from the calling module, so they resolve from the sources, from dist/ and from a bundled copy.

import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/**
 * The directory `relative` (from the project root, e.g. "emulator/profiles") that contains `marker`, searched from
 * the directory of `moduleUrl` upwards; the nearest candidate when none is found (reads then fail naming it).
 */
export function projectDir(moduleUrl: string, relative: string, marker: string): string {
  const here = dirname(fileURLToPath(moduleUrl));
  for (let dir = here, i = 0; i < 10; i++, dir = dirname(dir)) {
    const candidate = join(dir, relative);
    if (existsSync(join(candidate, marker))) return candidate;
  }
  return join(here, relative);
}
