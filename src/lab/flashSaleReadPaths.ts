import type { Database, SqlJsStatic } from 'sql.js';
import { checkWholeNumber, seededRandom, timeReads, type ReadPathTiming } from './readTiming.ts';

export type { ReadPathTiming };

// The flash-sale product page, two ways, in one SQLite database:
// - the CRUD read path assembles the page with a four-table JOIN over normalised tables;
// - the CQRS read path reads one pre-computed row from a projection table.
// Both answer the same question with the same data, so the timings compare shapes, not data.

export interface ReadPathOptions {
  /** Products in the catalogue (rows in each normalised table). */
  products: number;
  /** Product-page reads to time for each path. */
  lookups: number;
  /** Seed for the product ids each read asks for. */
  seed: number;
}

export interface ReadPathReport {
  options: ReadPathOptions;
  join: ReadPathTiming;
  projection: ReadPathTiming;
  /** How many times more reads per second the projection path served. */
  speedup: number;
  /** Both paths returned the same page for every product read. */
  sameAnswers: boolean;
}

export const DEFAULT_READ_PATH_OPTIONS: ReadPathOptions = { products: 5_000, lookups: 2_000, seed: 42 };

const SCHEMA = `
  CREATE TABLE products (id INTEGER PRIMARY KEY, name TEXT NOT NULL, description TEXT NOT NULL, category TEXT NOT NULL);
  CREATE TABLE inventory (product_id INTEGER NOT NULL, warehouse TEXT NOT NULL, on_hand INTEGER NOT NULL, reserved INTEGER NOT NULL);
  CREATE INDEX inventory_product ON inventory(product_id);
  CREATE TABLE pricing (product_id INTEGER NOT NULL, list_cents INTEGER NOT NULL, valid_from INTEGER NOT NULL);
  CREATE INDEX pricing_product ON pricing(product_id);
  CREATE TABLE promotions (product_id INTEGER NOT NULL, percent_off INTEGER NOT NULL, active INTEGER NOT NULL);
  CREATE INDEX promotions_product ON promotions(product_id);
  CREATE TABLE product_page (product_id INTEGER PRIMARY KEY, name TEXT NOT NULL, description TEXT NOT NULL,
    price_cents INTEGER NOT NULL, available INTEGER NOT NULL);
`;

// The page a shopper sees: current price after the best active promotion, stock across warehouses.
const JOIN_QUERY = `
  SELECT p.id AS product_id, p.name, p.description,
         (SELECT pr.list_cents FROM pricing pr WHERE pr.product_id = p.id ORDER BY pr.valid_from DESC LIMIT 1)
           * (100 - COALESCE(MAX(pm.percent_off), 0)) / 100 AS price_cents,
         (SELECT SUM(i.on_hand - i.reserved) FROM inventory i WHERE i.product_id = p.id) AS available
  FROM products p
  LEFT JOIN promotions pm ON pm.product_id = p.id AND pm.active = 1
  JOIN pricing pr2 ON pr2.product_id = p.id
  JOIN inventory inv ON inv.product_id = p.id
  WHERE p.id = ?
  GROUP BY p.id`;

const PROJECTION_QUERY = 'SELECT product_id, name, description, price_cents, available FROM product_page WHERE product_id = ?';

function populate(db: Database, products: number, random: () => number): void {
  db.run(SCHEMA);
  db.run('BEGIN');
  const product = db.prepare('INSERT INTO products VALUES (?, ?, ?, ?)');
  const stock = db.prepare('INSERT INTO inventory VALUES (?, ?, ?, ?)');
  const price = db.prepare('INSERT INTO pricing VALUES (?, ?, ?)');
  const promo = db.prepare('INSERT INTO promotions VALUES (?, ?, ?)');
  for (let id = 1; id <= products; id++) {
    product.run([id, `Product ${id}`, `A flash-sale item, number ${id}, described at some length for the page.`, `cat-${id % 20}`]);
    for (const warehouse of ['north', 'south', 'east']) {
      stock.run([id, warehouse, 20 + Math.floor(random() * 200), Math.floor(random() * 20)]);
    }
    for (let version = 0; version < 3; version++) price.run([id, 1_000 + Math.floor(random() * 9_000), version]);
    promo.run([id, 5 + Math.floor(random() * 30), random() < 0.5 ? 1 : 0]);
    promo.run([id, 5 + Math.floor(random() * 10), 1]);
  }
  for (const statement of [product, stock, price, promo]) statement.free();
  // The projection holds the page already assembled: what a projection handler would have written.
  db.run(`INSERT INTO product_page SELECT product_id, name, description, price_cents, available FROM (
    SELECT p.id AS product_id, p.name, p.description,
      (SELECT pr.list_cents FROM pricing pr WHERE pr.product_id = p.id ORDER BY pr.valid_from DESC LIMIT 1)
        * (100 - COALESCE((SELECT MAX(percent_off) FROM promotions pm WHERE pm.product_id = p.id AND pm.active = 1), 0)) / 100 AS price_cents,
      (SELECT SUM(i.on_hand - i.reserved) FROM inventory i WHERE i.product_id = p.id) AS available
    FROM products p)`);
  db.run('COMMIT');
}

// Product-page reads are far below the browser's clock resolution: time them 100 at a time.
export const READS_PER_SAMPLE = 100;

/** Reads one product page per id through one prepared statement; each page as JSON, to compare paths. */
function timePages(db: Database, sql: string, ids: number[], now: () => number): { timing: ReadPathTiming; pages: string[] } {
  const statement = db.prepare(sql);
  try {
    const { timing, answers } = timeReads(
      ids,
      (id) => {
        statement.bind([id]);
        statement.step();
        const page = JSON.stringify(statement.get());
        statement.reset();
        return page;
      },
      now,
      READS_PER_SAMPLE,
    );
    return { timing, pages: answers };
  } finally {
    statement.free();
  }
}

/**
 * Builds both schemas with the same data and times the two read paths.
 * `now` is a millisecond clock supplied by the caller (performance.now in a worker),
 * so this module stays free of globals and runs the same in Node and in the browser.
 */
export function measureReadPaths(SQL: SqlJsStatic, now: () => number, options: Partial<ReadPathOptions> = {}): ReadPathReport {
  const resolved = { ...DEFAULT_READ_PATH_OPTIONS, ...options };
  checkWholeNumber('products', resolved.products, 1, 200_000);
  checkWholeNumber('lookups', resolved.lookups, 1, 100_000);
  const random = seededRandom(resolved.seed);
  const db = new SQL.Database();
  try {
    populate(db, resolved.products, random);
    const ids = Array.from({ length: resolved.lookups }, () => 1 + Math.floor(random() * resolved.products));
    // Warm both statements once so neither pays first-use costs inside the timing.
    timePages(db, JOIN_QUERY, ids.slice(0, READS_PER_SAMPLE), now);
    timePages(db, PROJECTION_QUERY, ids.slice(0, READS_PER_SAMPLE), now);
    const join = timePages(db, JOIN_QUERY, ids, now);
    const projection = timePages(db, PROJECTION_QUERY, ids, now);
    const sameAnswers = join.pages.every((page, i) => page === projection.pages[i]);
    return {
      options: resolved,
      join: join.timing,
      projection: projection.timing,
      speedup: projection.timing.readsPerSecond / join.timing.readsPerSecond,
      sameAnswers,
    };
  } finally {
    db.close();
  }
}
