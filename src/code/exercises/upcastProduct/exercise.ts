// "Write the V1 → V2 upcaster": the commerce domain's ProductAdded, stored in
// two schema versions (version 1 before categories existed). The learner's
// upcast is the engine's upcaster for it, and every reader goes through it.
import { UPCASTER_API } from '../api.ts';
import type { ExerciseInfo } from '../types.ts';

export const starter = `// ProductAdded is stored in two schema versions, and stored events never change:
//   version 1 (before categories existed): { sku, name, priceCents, stock }
//   version 2 (today):                     { sku, name, priceCents, stock, category }
// Readers (the Product decider, the catalogue view, the stream viewer) expect
// version 2. The engine calls your upcast on every version 1 payload it reads.
// Products listed before categories existed belong under 'uncategorised'.

/**
 * @param {{ sku: string, name: string, priceCents: number, stock: number }} data  a version 1 payload
 * @returns {{ sku: string, name: string, priceCents: number, stock: number, category: string }}
 */
export function upcast(data) {
  // TODO: return the payload in version 2's shape.
  return data;
}
`;

export const upcastProduct: ExerciseInfo = {
  id: 'upcast-product',
  title: 'Write the V1 → V2 upcaster',
  kind: 'upcaster',
  summary: 'Old ProductAdded events have no category. Write the upcaster that every reader of the store goes through.',
  brief: [
    'The commerce store holds ProductAdded in two schema versions. Version 1 was written before products had a category; version 2, written today, has one. Stored events are facts and are never rewritten.',
    'Instead, every reader sees version 2: when the engine reads a version 1 event (to decide an order on the product, to project the catalogue, to show the stream) it passes the payload through the upcaster. Yours replaces the domain’s own.',
    'Products listed before categories existed go under "uncategorised". Everything else the old event said must survive the trip.',
  ],
  checks: [
    'Examples: one version 1 product read back; version 1 and version 2 products side by side in the catalogue; an order decided on an old product’s stock.',
    'Property: random stores mixing both versions, then orders on them, replayed through your upcaster and through the reference: the streams as read, every order’s answer and the catalogue must be the same.',
  ],
  starter,
  api: UPCASTER_API,
};
