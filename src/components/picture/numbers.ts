// Numbers as the sandbox writes them (en-US grouping), with formatters made
// once: toLocaleString builds a new formatter on every call, which under load
// was a tenth of the picture's rendering time (it re-renders its numbers with every frame).
const whole = new Intl.NumberFormat('en-US');
const fixedBy = new Map<number, Intl.NumberFormat>();

/** 12,345: as `x.toLocaleString('en-US')`. */
export function count(x: number): string {
  return whole.format(x);
}

/** `x` with exactly `digits` decimals: as toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits }). */
export function fixed(x: number, digits: number): string {
  let f = fixedBy.get(digits);
  if (!f) fixedBy.set(digits, (f = new Intl.NumberFormat('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits })));
  return f.format(x);
}
