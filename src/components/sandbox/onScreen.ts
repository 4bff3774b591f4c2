// A Svelte action telling a panel whether it is on (or near) the screen, so
// panels out of view stop re-rendering ten times a second. The last entry is the
// current state (a quick scroll can queue an older one before it).
export function onScreen(node: HTMLElement, callback: (visible: boolean) => void): { destroy(): void } {
  const observer = new IntersectionObserver((entries) => callback(entries.at(-1)?.isIntersecting ?? true), { rootMargin: '200px' });
  observer.observe(node);
  return { destroy: () => observer.disconnect() };
}
