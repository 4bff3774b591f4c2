// The command form's "Expected version" field: empty means no check; any
// other text goes to the engine as a number, which judges it.
import initSqlJs from 'sql.js';
import { describe, expect, it } from 'vitest';
import { commerce } from '../../../src/domain/index.ts';
import { createEngine } from '../../../src/engine/index.ts';
import { expectedVersionFrom } from '../../../src/sandbox/forms.ts';

describe('the expected version field', () => {
  it('is no check when empty, a number otherwise', () => {
    expect(expectedVersionFrom('')).toBeUndefined();
    expect(expectedVersionFrom('   ')).toBeUndefined();
    expect(expectedVersionFrom('0')).toBe(0);
    expect(expectedVersionFrom(' 5 ')).toBe(5);
  });

  it('leaves a bad value to the engine, whose message says what it accepts', async () => {
    const engine = createEngine({ sql: await initSqlJs(), domain: commerce, seed: 1 });
    const command = { type: 'ChangePrice', data: { sku: 'KB', priceCents: 100 }, expectedVersion: expectedVersionFrom('1.5')! };
    await expect(engine.execute(command)).rejects.toThrow(
      'expectedVersion must be a whole number, 0 or more (0 = the stream must not exist yet); got 1.5.',
    );
  });
});
