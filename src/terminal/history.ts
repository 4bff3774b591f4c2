// Lines typed into the terminal, navigable with up/down like a shell, and
// kept across reloads through an injected key/value storage (localStorage in
// the browser, a Map in tests). Storage that is missing, full, blocked or
// holding garbage never breaks the terminal: history then lasts for the page.

/** The subset of the Web Storage API the history needs. */
export interface KeyValueStorage {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
}

/** A Map-backed storage for tests and Node. */
export function memoryStorage(initial: Record<string, string> = {}): KeyValueStorage & { map: Map<string, string> } {
  const map = new Map(Object.entries(initial));
  return {
    map,
    getItem: (k) => map.get(k) ?? null,
    setItem: (k, v) => void map.set(k, v),
  };
}

export const HISTORY_KEY = 'cqrs-lab:terminal-history';

export interface HistoryOptions {
  storage?: KeyValueStorage;
  key?: string;
  /** Most lines kept (oldest dropped). Default 500. */
  limit?: number;
  /** Longer lines (a pasted session, say) are not kept. Default 4000 characters. */
  maxLineLength?: number;
}

export class TerminalHistory {
  readonly #storage: KeyValueStorage | undefined;
  readonly #key: string;
  readonly #limit: number;
  readonly #maxLine: number;
  #entries: string[] = [];
  /** Index into entries while navigating; entries.length means "the line being typed". */
  #cursor = 0;
  #draft = '';

  constructor(options: HistoryOptions = {}) {
    this.#storage = options.storage;
    this.#key = options.key ?? HISTORY_KEY;
    this.#limit = Math.max(1, options.limit ?? 500);
    this.#maxLine = options.maxLineLength ?? 4000;
    this.#entries = this.#load();
    this.#cursor = this.#entries.length;
  }

  get entries(): readonly string[] {
    return this.#entries;
  }

  /** Record a line that was run. Blank lines and an exact repeat of the last line are not kept. */
  push(line: string): void {
    this.#cursor = this.#entries.length;
    this.#draft = '';
    const text = line.trim();
    if (text === '' || text.length > this.#maxLine) return;
    if (this.#entries[this.#entries.length - 1] === text) return;
    this.#entries.push(text);
    if (this.#entries.length > this.#limit) this.#entries.splice(0, this.#entries.length - this.#limit);
    this.#cursor = this.#entries.length;
    this.#save();
  }

  /** Arrow up: the previous line, or undefined at the oldest. `current` is what is typed now. */
  up(current: string): string | undefined {
    if (this.#cursor === 0) return undefined;
    if (this.#cursor === this.#entries.length) this.#draft = current;
    this.#cursor--;
    return this.#entries[this.#cursor];
  }

  /** Arrow down: the next line, then back to what was being typed. */
  down(): string | undefined {
    if (this.#cursor >= this.#entries.length) return undefined;
    this.#cursor++;
    return this.#cursor === this.#entries.length ? this.#draft : this.#entries[this.#cursor];
  }

  /** Stop navigating (e.g. after Ctrl+C). */
  resetNavigation(): void {
    this.#cursor = this.#entries.length;
    this.#draft = '';
  }

  clear(): void {
    this.#entries = [];
    this.resetNavigation();
    this.#save();
  }

  #load(): string[] {
    try {
      const text = this.#storage?.getItem(this.#key);
      if (!text) return [];
      const data: unknown = JSON.parse(text);
      if (!Array.isArray(data)) return [];
      return data.filter((x): x is string => typeof x === 'string' && x.trim() !== '').slice(-this.#limit);
    } catch {
      return [];
    }
  }

  #save(): void {
    try {
      this.#storage?.setItem(this.#key, JSON.stringify(this.#entries));
    } catch {
      // storage full or blocked: history lasts for this page only
    }
  }
}
