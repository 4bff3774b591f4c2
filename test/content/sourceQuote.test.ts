import { describe, expect, it } from 'vitest';
import { resolve } from 'node:path';
import { quoteSource } from '../../src/components/lesson/sourceQuote.ts';

// Lesson 19 quotes the engine by symbol at build time; a bad quote must stop the build with a clear message.
const ROOT = resolve(import.meta.dirname, '../..');

describe('quoting source by symbol', () => {
  it('extracts a top-level declaration with its doc comment', () => {
    const quote = quoteSource(ROOT, 'src/engine/domain.ts', 'Decider');
    expect(quote.code).toMatch(/^\/\*\*/);
    expect(quote.code).toContain('export interface Decider<');
    expect(quote.code.trimEnd().endsWith('}')).toBe(true);
  });

  it('extracts a class member, dedented', () => {
    const quote = quoteSource(ROOT, 'src/engine/write/eventStore.ts', 'EventStore.recordCommand');
    expect(quote.code.startsWith('recordCommand(')).toBe(true);
    expect(quote.code).toContain('processed_commands');
  });

  it('names the file and what it does declare when the symbol is missing', () => {
    expect(() => quoteSource(ROOT, 'src/engine/clock.ts', 'WallClock')).toThrow(/src\/engine\/clock\.ts declares no top-level "WallClock"\. It declares: VirtualClock/);
    expect(() => quoteSource(ROOT, 'src/engine/clock.ts', 'VirtualClock.tick')).toThrow(/class VirtualClock has no member "tick"/);
  });

  it('names a missing file', () => {
    expect(() => quoteSource(ROOT, 'src/engine/nothing.ts', 'X')).toThrow(/no file src\/engine\/nothing\.ts/);
  });
});
