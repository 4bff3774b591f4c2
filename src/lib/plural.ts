/** Made once: toLocaleString builds a formatter on every call, which showed in the picture's profile under load. */
const GROUPED = new Intl.NumberFormat('en-US');

/** "1 row", "3 rows", "1,200 rows": a count with its noun agreeing. */
export function plural(n: number, one: string, many = `${one}s`): string {
  return `${GROUPED.format(n)} ${n === 1 ? one : many}`;
}
