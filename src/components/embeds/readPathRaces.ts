// The two read-path races as data: what each builds, its sizes, the lab it
// runs in the sql.js worker and how its report reads. ReadPathRace.svelte
// renders either; the lesson embeds and the scenarios' labs pick one by name.
import { BOARD_LAB_SIZES } from '../../lab/workItemBoardReadPaths';
import type { Scenario } from '../../scenarios/types';
import type { SqlLab } from '../../worker/sqlLabClient';

/** A race by the name scenarios use for their lab. */
export type ReadPathLab = NonNullable<Scenario['lab']>;

/** Prose with inline code: table names stay in <code>. */
export type Prose = readonly (string | { code: string })[];

export interface PathTiming {
  /** The row header: which way the read went. */
  label: string;
  medianMicros: number;
  p95Micros: number;
  readsPerSecond: number;
}

/** A finished measurement, in the shape the table and verdict show. */
export interface RaceResult {
  caption: string;
  /** The normalised path first, then the projection. */
  paths: readonly [PathTiming, PathTiming];
  speedup: number;
  sameAnswers: boolean;
}

export interface ReadPathRace {
  /** Prefix of the element ids (unique per race on a page). */
  idPrefix: string;
  /** The `data-embed` the tests and styles find it by. */
  embed: string;
  title: string;
  intro: Prose;
  sizeLabel: string;
  sizes: readonly { value: number; label: string }[];
  initialSize: number;
  /** What one read fetches, in the column headers ("Median per read"). */
  unit: string;
  measure(lab: SqlLab, size: number): Promise<RaceResult>;
  verdict: {
    /** Before the speedup: "The projection path served". */
    served: string;
    /** After it: "as many reads per second,". */
    rate: string;
    agreed: string;
    disagreed: string;
    closing: string;
  };
}

const count = (n: number): string => n.toLocaleString('en-US');

const FLASH_SALE_LOOKUPS = 2000;
const BOARDS = 20;

export const READ_PATH_RACES: Record<ReadPathLab, ReadPathRace> = {
  flashSaleReadPaths: {
    idPrefix: 'race',
    embed: 'read-path-race',
    title: 'Measure it yourself: JOIN read path vs projection read path',
    intro: [
      'This builds a catalogue in a real SQLite database inside your browser (sql.js in a Web Worker): normalized ',
      { code: 'products' },
      ', ',
      { code: 'inventory' },
      ', ',
      { code: 'pricing' },
      ' and ',
      { code: 'promotions' },
      ' tables, plus a ',
      { code: 'product_page' },
      ` projection holding the same pages pre-assembled. Then it reads ${count(FLASH_SALE_LOOKUPS)} random product pages each way, timing them in batches of 100 (browsers blur their clock below a tenth of a millisecond, longer than one of these reads).`,
    ],
    sizeLabel: 'Products in the catalogue',
    sizes: [1000, 5000, 20000, 50000].map((value) => ({ value, label: count(value) })),
    initialSize: 5000,
    unit: 'read',
    async measure(lab, products) {
      const report = await lab.measureReadPaths({ products, lookups: FLASH_SALE_LOOKUPS, seed: 42 });
      return {
        caption: `Measured on your machine: ${count(report.options.lookups)} reads over ${count(report.options.products)} products`,
        paths: [
          { label: 'Four-table JOIN (CRUD)', ...report.join },
          { label: 'One-row projection (CQRS)', ...report.projection },
        ],
        speedup: report.speedup,
        sameAnswers: report.sameAnswers,
      };
    },
    verdict: {
      served: 'The projection path served',
      rate: 'as many reads per second,',
      agreed: 'and both paths returned identical pages for every read.',
      disagreed: 'but the two paths disagreed on some pages.',
      closing:
        'This is an in-memory database with no other users: no locks, no network. In production the JOIN also competes with writes for the same rows, which is where the flash sale went wrong.',
    },
  },
  workItemBoardReadPaths: {
    idPrefix: 'board-race',
    embed: 'board-read-path-race',
    title: 'Measure it yourself: board JOIN vs board projection',
    intro: [
      `This fills a real SQLite database inside your browser (sql.js in a Web Worker) with ${BOARDS} team boards. Every card gets a history of creations, moves, assignments and estimates, decided by the work-item rules and written by two read models: normalised `,
      { code: 'work_items' },
      ', ',
      { code: 'column_history' },
      ', ',
      { code: 'assignments' },
      ' and ',
      { code: 'estimates' },
      ' tables, and a denormalised ',
      { code: 'board_cards' },
      ' + ',
      { code: 'board_columns' },
      " projection. Then it opens random whole boards each way: the first path finds each card's latest column, owner and estimate with a JOIN and totals the columns with a GROUP BY; the second reads rows that are already in board shape.",
    ],
    sizeLabel: `Cards on each of the ${BOARDS} boards`,
    sizes: BOARD_LAB_SIZES.map((s) => ({ value: s.itemsPerBoard, label: count(s.itemsPerBoard) })),
    initialSize: 100,
    unit: 'board',
    async measure(lab, itemsPerBoard) {
      const reads = BOARD_LAB_SIZES.find((s) => s.itemsPerBoard === itemsPerBoard)?.reads ?? 100;
      const report = await lab.measureBoardReadPaths({ boards: BOARDS, itemsPerBoard, reads, seed: 42 });
      return {
        caption: `Measured on your machine: ${count(report.options.reads)} board reads, ${count(report.data.items)} cards built from ${count(report.data.events)} events`,
        paths: [
          { label: `JOIN + GROUP BY over ${count(report.data.normalizedRows)} normalised rows`, ...report.joined },
          { label: `Board projection (${count(report.data.projectionRows)} rows)`, ...report.projection },
        ],
        speedup: report.speedup,
        sameAnswers: report.sameAnswers,
      };
    },
    verdict: {
      served: 'The projection served',
      rate: 'as many boards per second,',
      agreed: 'and both paths returned the same board, card for card, on every read.',
      disagreed: 'but the two paths disagreed on some boards.',
      closing:
        "The JOIN's cost grows with every change ever recorded, on all boards; the projection's grows only with the cards on the board you open. Paying for that at write time, once per change, is the trade.",
    },
  },
};
