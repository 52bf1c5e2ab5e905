/**
 * "Did you mean ...?" for a misspelt keyword, distribution or column. A case-insensitive match wins
 * outright (`normal` -> `Normal`); otherwise the closest candidate by Damerau-Levenshtein distance
 * (optimal string alignment: a swap of two neighbours, `Poisosn`, costs one edit), if it is within
 * max(1, floor(length / 3)) edits and it keeps a character of the word (`Z` is one edit from `A`, but
 * shares nothing with it). Ties go to the earlier candidate, so callers order by preference.
 */
export function suggest(word: string, candidates: readonly string[]): string | undefined {
  const lower = word.toLowerCase();
  const exact = candidates.find((c) => c.toLowerCase() === lower);
  if (exact !== undefined) return exact === word ? undefined : exact;
  const threshold = Math.max(1, Math.floor(word.length / 3));
  let best: string | undefined;
  let bestDistance = threshold + 1;
  for (const c of candidates) {
    const d = editDistance(lower, c.toLowerCase());
    if (d < bestDistance && d < Math.max(lower.length, c.length)) {
      best = c;
      bestDistance = d;
    }
  }
  return best;
}

/** Optimal string alignment distance (Damerau 1964): insertions, deletions, substitutions, adjacent swaps. */
export function editDistance(a: string, b: string): number {
  // rows[i][j] = distance between the first i characters of a and the first j of b.
  const rows: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i, ...new Array<number>(b.length).fill(0)]);
  for (let j = 0; j <= b.length; j++) rows[0][j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min(rows[i - 1][j] + 1, rows[i][j - 1] + 1, rows[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d = Math.min(d, rows[i - 2][j - 2] + 1);
      rows[i][j] = d;
    }
  }
  return rows[a.length][b.length];
}
