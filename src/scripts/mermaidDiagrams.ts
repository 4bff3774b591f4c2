import { currentTheme, THEME_CHANGE_EVENT } from '../lib/theme';

// A mermaid fence reaches the page as <pre><code class="language-mermaid">source</code></pre>.
const FENCE_SELECTOR = 'pre:has(> code.language-mermaid), pre[data-language="mermaid"]';

interface Diagram {
  host: HTMLElement;
  source: string;
}

let sequence = 0;

function collectDiagrams(root: ParentNode): Diagram[] {
  return [...root.querySelectorAll<HTMLElement>(FENCE_SELECTOR)].map((pre) => {
    const source = (pre.querySelector('code') ?? pre).textContent ?? '';
    const host = document.createElement('figure');
    host.className = 'mermaid-diagram';
    host.dataset.state = 'pending';
    pre.replaceWith(host);
    return { host, source: source.trim() };
  });
}

function showError(diagram: Diagram, error: unknown): void {
  const message = error instanceof Error ? error.message : String(error);
  diagram.host.dataset.state = 'error';
  diagram.host.replaceChildren();
  const alert = document.createElement('div');
  alert.className = 'mermaid-error';
  alert.setAttribute('role', 'alert');
  const title = document.createElement('p');
  title.innerHTML = '<strong>This diagram could not be drawn.</strong> Mermaid said:';
  const detail = document.createElement('pre');
  detail.className = 'mermaid-error-message';
  detail.textContent = message;
  const sourceLabel = document.createElement('p');
  sourceLabel.textContent = 'Diagram source:';
  const source = document.createElement('pre');
  source.textContent = diagram.source;
  alert.append(title, detail, sourceLabel, source);
  diagram.host.append(alert);
}

async function draw(diagrams: Diagram[]): Promise<void> {
  const { default: mermaid } = await import('mermaid');
  mermaid.initialize({
    startOnLoad: false,
    securityLevel: 'strict',
    theme: currentTheme() === 'dark' ? 'dark' : 'default',
    fontFamily: 'system-ui, sans-serif',
  });
  for (const diagram of diagrams) {
    const id = `mermaid-${++sequence}`;
    try {
      await mermaid.parse(diagram.source);
      const { svg } = await mermaid.render(id, diagram.source);
      diagram.host.innerHTML = svg;
      diagram.host.dataset.state = 'rendered';
      const svgElement = diagram.host.querySelector('svg');
      svgElement?.setAttribute('role', 'img');
      if (svgElement && !svgElement.getAttribute('aria-label')) {
        svgElement.setAttribute('aria-label', 'Diagram: ' + diagram.source.split('\n')[0]);
      }
    } catch (error) {
      document.getElementById(id)?.remove(); // mermaid leaves its scratch element behind on failure
      document.getElementById(`d${id}`)?.remove();
      showError(diagram, error);
    }
  }
}

export function renderMermaidDiagrams(root: ParentNode = document): void {
  const diagrams = collectDiagrams(root);
  if (diagrams.length === 0) return;
  void draw(diagrams);
  document.addEventListener(THEME_CHANGE_EVENT, () => void draw(diagrams));
}
