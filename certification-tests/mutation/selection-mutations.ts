// Plausible kernel bugs in application selection and language selection (Book 1 §12, Book 4 §11.1), each for a
// case of catalog/selection.ts or front.ts to catch: planted one at a time by `npm run mutations` with mutations.ts.

export const SELECTION_MUTATIONS = [
  {
    id: "MS01",
    bug: "no priority (0) ranked before every priority instead of after",
    ref: "Book 1 §12.4, Table 48",
    file: "kernel/contact/selection/candidates.ts",
    find: "const rank = (c: T) => priorityOf(c) || 16;",
    replace: "const rank = (c: T) => priorityOf(c);",
  },
  {
    id: "MS02",
    bug: "equal priorities ordered against the card's order",
    ref: "Book 1 §12.4",
    file: "kernel/contact/selection/candidates.ts",
    find: ".sort((a, b) => rank(a.c) - rank(b.c) || a.i - b.i)",
    replace: ".sort((a, b) => rank(a.c) - rank(b.c) || b.i - a.i)",
  },
  {
    id: "MS03",
    bug: "API b8 (cardholder confirmation) ignored for a single candidate",
    ref: "Book 1 §12.4, Table 48",
    file: "kernel/contact/selection.ts",
    find: "    if (!only.confirmationRequired) {",
    replace: "    if (only) {",
  },
  {
    id: "MS04",
    bug: "DDF directory entries (61 with 9D) not followed",
    ref: "Book 1 §12.3.2",
    file: "kernel/contact/selection/pse.ts",
    find: "        pending.push(ddf.value);",
    replace: "",
  },
  {
    id: "MS05",
    bug: "the ASI ignored: a longer card AID always a candidate",
    ref: "Book 1 §12.3.1",
    file: "kernel/contact/selection/candidates.ts",
    find: "    terminal.partialSelection &&\n",
    replace: "",
  },
  {
    id: "MS06",
    bug: "language: the terminal's order preferred to the card's",
    ref: "Book 4 §11.1",
    file: "kernel/contact/language.ts",
    find: "  return cardLanguages(preference).find((code) => terminal.includes(code));",
    replace: "  return terminal.find((code) => cardLanguages(preference).includes(code));",
  },
  {
    id: "MS07",
    bug: "language: the PSE's 5F2D preferred to the selected application's",
    ref: "Book 1 §12.2.2; Book 4 §11.1",
    file: "kernel/contact/language.ts",
    find: "  const preference = ctx.data.get(TAG.LANGUAGE_PREFERENCE) ?? pseLanguagePreference;",
    replace: "  const preference = pseLanguagePreference ?? ctx.data.get(TAG.LANGUAGE_PREFERENCE);",
  },
  {
    id: "MS08",
    bug: "a failed final SELECT ends the transaction instead of removing the candidate",
    ref: "Book 1 §12.4",
    file: "kernel/contact/selection.ts",
    find: "    candidates = candidates.filter((c) => c !== candidate);",
    replace: '    return { kind: "terminate", cause: "not-accepted", reason: result.reason };',
  },
];
