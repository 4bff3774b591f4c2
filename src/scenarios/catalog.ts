// Every scenario file of simulations/, validated once and sorted by order.
// import.meta.glob is resolved by Vite (Astro build, dev server, Vitest), so
// the files are bundled as data: no file system at run time.
import { parseScenario } from './schema.ts';
import type { Scenario } from './types.ts';

const files = import.meta.glob<unknown>('../../simulations/*.json', { eager: true, import: 'default' });

let catalog: Scenario[] | null = null;

/** Every scenario, parsed (a broken file throws its ScenarioError here), sorted by `order`. */
export function scenarioCatalog(): Scenario[] {
  if (!catalog) {
    catalog = Object.entries(files)
      .map(([path, json]) => parseScenario(`simulations/${path.split('/').pop()}`, json))
      .sort((a, b) => a.order - b.order || a.slug.localeCompare(b.slug));
  }
  return catalog;
}

export function scenarioBySlug(slug: string): Scenario | undefined {
  return scenarioCatalog().find((s) => s.slug === slug);
}
