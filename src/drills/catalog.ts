// Every drill file of content/drills/, validated once and sorted by order.
// import.meta.glob is resolved by Vite (Astro build, Vitest), so the files are
// bundled as data; a broken file fails the build with its DrillError.
import { parseDrill } from './schema.ts';
import type { Drill } from './types.ts';

const files = import.meta.glob<unknown>('../../content/drills/*.json', { eager: true, import: 'default' });

let catalog: Drill[] | null = null;

export function drillCatalog(): Drill[] {
  if (!catalog) {
    catalog = Object.entries(files)
      .map(([path, json]) => parseDrill(`content/drills/${path.split('/').pop()}`, json))
      .sort((a, b) => a.order - b.order || a.slug.localeCompare(b.slug));
  }
  return catalog;
}
