// Run at most once per `ms`, always running the latest request at the end
// (so a view refreshed while the run moves also shows where it stopped).
export function throttle(ms: number): (run: () => void) => void {
  let last = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let pending: (() => void) | undefined;
  return (run) => {
    pending = run;
    const wait = last + ms - performance.now();
    if (wait <= 0 && timer === undefined) {
      last = performance.now();
      pending = undefined;
      run();
      return;
    }
    timer ??= setTimeout(
      () => {
        timer = undefined;
        last = performance.now();
        const p = pending;
        pending = undefined;
        p?.();
      },
      Math.max(0, wait),
    );
  };
}
