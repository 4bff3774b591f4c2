// A Svelte action telling a panel whether it is on (or near) the screen, so
// panels out of view stop re-rendering ten times a second.
export function onScreen(node: HTMLElement, callback: (visible: boolean) => void): { destroy(): void } {
  const observer = new IntersectionObserver(([entry]) => callback(entry?.isIntersecting ?? true), { rootMargin: '200px' });
  observer.observe(node);
  return { destroy: () => observer.disconnect() };
}
