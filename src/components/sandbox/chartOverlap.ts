// Lines that coincide on a chart: four projections at the same position draw
// one line, so one colour shows. Find them and say so, instead of leaving the
// learner to wonder where the other three went.

/** Names whose series are equal at every sample, in groups of two or more (in the order given). */
export function identicalGroups(names: readonly string[], series: readonly (readonly (number | null)[])[]): string[][] {
  const groups: number[][] = [];
  for (let i = 0; i < names.length; i++) {
    const group = groups.find((g) => same(series[g[0]!] ?? [], series[i] ?? []));
    if (group) group.push(i);
    else groups.push([i]);
  }
  return groups.filter((g) => g.length > 1).map((g) => g.map((i) => names[i]!));
}

function same(a: readonly (number | null)[], b: readonly (number | null)[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

const WORDS = ['zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine', 'ten'];

function list(items: readonly string[]): string {
  return items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} and ${items.at(-1)}`;
}

/**
 * "All four at the same position: their lines lie on top of each other." or
 * "catalogue and checkouts share one line (the same position throughout)."
 * Empty when every line is its own.
 */
export function overlapNote(groups: readonly (readonly string[])[], total: number, measure: string): string {
  if (groups.length === 0) return '';
  if (groups.length === 1 && groups[0]!.length === total) {
    return `All ${WORDS[total] ?? total} at the same ${measure} throughout: their lines lie on top of each other, drawn widest first so each colour shows at the edge.`;
  }
  return groups.map((g) => `${list(g)} share one line (the same ${measure} throughout).`).join(' ');
}
