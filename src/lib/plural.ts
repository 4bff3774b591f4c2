/** "1 row", "3 rows", "1,200 rows": a count with its noun agreeing. */
export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;
}
