import { describe, expect, it } from 'vitest';
import { inlineParts } from '../../../src/interview/inline';

describe('a follow-up answer as text and code parts', () => {
  it('marks what is in backticks as code and keeps the rest as text, in order', () => {
    expect(inlineParts('Append with `expectedVersion: 12`, then retry `decide`.')).toEqual([
      { code: false, text: 'Append with ' },
      { code: true, text: 'expectedVersion: 12' },
      { code: false, text: ', then retry ' },
      { code: true, text: 'decide' },
      { code: false, text: '.' },
    ]);
  });

  it('leaves plain text whole and an unmatched backtick as text', () => {
    expect(inlineParts('No code here.')).toEqual([{ code: false, text: 'No code here.' }]);
    expect(inlineParts('A stray ` stays.')).toEqual([{ code: false, text: 'A stray ` stays.' }]);
    expect(inlineParts('`only code`')).toEqual([{ code: true, text: 'only code' }]);
  });
});
