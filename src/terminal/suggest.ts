// "Did you mean …": Damerau-Levenshtein distance (insertions, deletions,
// substitutions and transpositions of adjacent letters, unrestricted), case
// folded, over the names a learner could have meant.

/** Damerau-Levenshtein distance between a and b (full version, not OSA). */
export function damerauLevenshtein(a: string, b: string): number {
  const n = a.length;
  const m = b.length;
  if (n === 0) return m;
  if (m === 0) return n;
  const maxDist = n + m;
  const lastRow = new Map<string, number>();
  // d has (n + 2) × (m + 2) cells; row/col 0 hold maxDist sentinels.
  const w = m + 2;
  const d = new Array<number>((n + 2) * w).fill(0);
  const at = (i: number, j: number): number => d[i * w + j]!;
  const set = (i: number, j: number, v: number): void => {
    d[i * w + j] = v;
  };
  set(0, 0, maxDist);
  for (let i = 0; i <= n; i++) {
    set(i + 1, 0, maxDist);
    set(i + 1, 1, i);
  }
  for (let j = 0; j <= m; j++) {
    set(0, j + 1, maxDist);
    set(1, j + 1, j);
  }
  for (let i = 1; i <= n; i++) {
    let lastMatchCol = 0;
    for (let j = 1; j <= m; j++) {
      const i1 = lastRow.get(b[j - 1]!) ?? 0;
      const j1 = lastMatchCol;
      let cost = 1;
      if (a[i - 1] === b[j - 1]) {
        cost = 0;
        lastMatchCol = j;
      }
      set(i + 1, j + 1, Math.min(at(i, j) + cost, at(i + 1, j) + 1, at(i, j + 1) + 1, at(i1, j1) + (i - i1 - 1) + 1 + (j - j1 - 1)));
    }
    lastRow.set(a[i - 1]!, i);
  }
  return at(n + 1, m + 1);
}

/**
 * The closest candidate to `input`, or undefined when nothing is close
 * enough. Exact case-insensitive matches win, then the smallest distance
 * (at most a third of the word, at least 1, at most 3), then a unique prefix.
 */
export function suggest(input: string, candidates: Iterable<string>): string | undefined {
  const word = input.toLowerCase();
  if (word === '') return undefined;
  const list = [...new Set(candidates)];
  const exact = list.find((c) => c.toLowerCase() === word);
  if (exact !== undefined) return exact;
  const limit = Math.min(3, Math.max(1, Math.floor(word.length / 3)));
  let best: string | undefined;
  let bestDist = Number.POSITIVE_INFINITY;
  for (const c of list) {
    const dist = damerauLevenshtein(word, c.toLowerCase());
    if (dist < bestDist || (dist === bestDist && best !== undefined && c.length < best.length)) {
      best = c;
      bestDist = dist;
    }
  }
  if (best !== undefined && bestDist <= limit) return best;
  if (word.length >= 2) {
    const prefixed = list.filter((c) => c.toLowerCase().startsWith(word));
    if (prefixed.length === 1) return prefixed[0];
  }
  return undefined;
}

/** " Did you mean 'x'?" or an empty string. */
export function didYouMean(input: string, candidates: Iterable<string>): string {
  const s = suggest(input, candidates);
  return s === undefined ? '' : ` Did you mean '${s}'?`;
}
