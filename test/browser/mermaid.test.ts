import { beforeEach, expect, it } from 'vitest';
import { renderMermaidDiagrams } from '../../src/scripts/mermaidDiagrams.ts';

function fence(source: string): HTMLElement {
  const pre = document.createElement('pre');
  const code = document.createElement('code');
  code.className = 'language-mermaid';
  code.textContent = source;
  pre.append(code);
  document.body.append(pre);
  return pre;
}

/** Until no diagram is pending, for up to 50 s (the test has 60): beside other test files, loading mermaid alone can take more than the 5 s this used to allow. */
async function settled(): Promise<void> {
  await expect
    .poll(() => document.querySelectorAll('.mermaid-diagram[data-state="pending"]').length, { timeout: 50_000, interval: 25 })
    .toBe(0);
}

beforeEach(() => {
  document.body.replaceChildren();
  document.documentElement.dataset.theme = 'light';
});

it('draws a valid diagram as an SVG', async () => {
  fence('sequenceDiagram\n  Client->>CommandHandler: PlaceOrder\n  CommandHandler-->>Client: consistencyToken');
  renderMermaidDiagrams();
  await settled();
  const figure = document.querySelector('.mermaid-diagram')!;
  expect(figure.getAttribute('data-state')).toBe('rendered');
  expect(figure.querySelector('svg')).not.toBeNull();
  expect(figure.textContent).toContain('PlaceOrder');
});

it('shows a readable error and the source instead of a blank for a broken diagram', async () => {
  fence('sequenceDiagram\n  Client->>: missing target');
  fence('flowchart LR\n  A --> B');
  renderMermaidDiagrams();
  await settled();
  const [broken, fine] = document.querySelectorAll('.mermaid-diagram');
  expect(broken!.getAttribute('data-state')).toBe('error');
  expect(broken!.querySelector('[role="alert"]')?.textContent).toContain('could not be drawn');
  expect(broken!.textContent).toContain('Client->>: missing target');
  expect(fine!.getAttribute('data-state')).toBe('rendered');
});
