// Schema validation errors in words: one line per problem, `path: reason`, with JSON paths such as
// `aids[1].tacDenial` (used for terminal configurations, card profiles and issuer host configurations).

import type { z } from "zod";

/** `applications[0].records[2].tlvs[1][1]` from a zod issue path; `root` names an empty path. */
export function formatPath(path: readonly PropertyKey[], root = "(profile)"): string {
  let out = "";
  for (const p of path) {
    if (typeof p === "number") out += `[${p}]`;
    else out += out ? `.${String(p)}` : String(p);
  }
  return out || root;
}

/** One line per zod issue: `path: reason`. Union failures report the branch closest to matching. */
export function formatZodIssues(issues: readonly z.core.$ZodIssue[], root = "(profile)"): string[] {
  const out: string[] = [];
  for (const issue of issues) {
    const where = formatPath(issue.path, root);
    if (issue.code === "unrecognized_keys") {
      out.push(
        `${where}: unknown field${issue.keys.length > 1 ? "s" : ""} ${issue.keys.map((k) => `'${k}'`).join(", ")}`,
      );
    } else if (issue.code === "invalid_union" && issue.errors.length > 0 && issue.message === "Invalid input") {
      // Report the branch with the fewest problems, prefixed with this path.
      const best = [...issue.errors].sort((a, b) => a.length - b.length)[0]!;
      for (const line of formatZodIssues(
        best.map((i) => ({ ...i, path: [...issue.path, ...i.path] })),
        root,
      ))
        out.push(line);
    } else if (issue.code === "invalid_key" && issue.issues.length > 0) {
      // A record key that fails its schema: say why, at the key's path.
      out.push(`${where}: ${issue.issues.map((i) => i.message).join("; ")}`);
    } else if (issue.code === "invalid_type") {
      // Without `reportInput` zod leaves the input out; its message still says what was received.
      const received = issue.input === undefined ? /received (\w+)$/.exec(issue.message)?.[1] : undefined;
      const got =
        issue.input !== undefined
          ? `got ${describeJson(issue.input)}`
          : received && received !== "undefined"
            ? `got ${received === "array" ? "an array" : received}`
            : "missing";
      out.push(`${where}: must be ${issue.expected} (${got})`);
    } else if (issue.code === "too_small" || issue.code === "too_big") {
      const bound = issue.code === "too_small" ? `at least ${issue.minimum}` : `at most ${issue.maximum}`;
      const n = Number(issue.code === "too_small" ? issue.minimum : issue.maximum);
      const unit = issue.origin === "array" ? " item" : issue.origin === "string" ? " character" : "";
      const plural = unit && n !== 1 ? "s" : "";
      out.push(`${where}: must be ${bound}${unit}${plural}`);
    } else if (issue.code === "invalid_value") {
      out.push(`${where}: must be one of ${issue.values.map((v) => JSON.stringify(v)).join(", ")}`);
    } else {
      out.push(`${where}: ${issue.message.replace(/^Invalid discriminator value\. Expected /, "must be one of ")}`);
    }
  }
  return [...new Set(out)];
}

function describeJson(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "an array";
  return typeof v === "string" ? `string ${JSON.stringify(v.length > 20 ? `${v.slice(0, 20)}…` : v)}` : typeof v;
}
