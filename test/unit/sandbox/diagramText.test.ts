// The sequence-diagram panel names the command it draws and speaks in whole sentences.
import { describe, expect, it } from 'vitest';
import { diagramStatus, latestLabel } from '../../../src/components/sandbox/diagramText.ts';

const cmd = (commandId: string) => ({ commandId, commandType: 'PlaceOrder', outcome: 'completed' });

describe('latestLabel', () => {
  it('names the newest command while following it', () => {
    expect(latestLabel(cmd('cmd-632'), null)).toBe('Latest: cmd-632 PlaceOrder (completed)');
    expect(latestLabel(null, null)).toBe('Latest (none yet)');
  });

  it('names the command on screen, not the newest, while following is held under load', () => {
    const label = latestLabel(cmd('cmd-632'), cmd('cmd-544'));
    expect(label).toBe('Latest, held at cmd-544 PlaceOrder (completed) while the load runs');
    expect(label).not.toContain('cmd-632');
    expect(latestLabel(cmd('cmd-632'), 'cmd-12')).toBe('Latest, held at cmd-12 while the load runs');
  });
});

describe('diagramStatus', () => {
  it('separates its sentences', () => {
    expect(diagramStatus({ records: 14, complete: true }, 200)).toBe(
      '14 trace records. Following is paused while the load generator sends 200 commands per second: pick a command to see its diagram.',
    );
    expect(diagramStatus({ records: 1, complete: true }, null)).toBe('1 trace record.');
    expect(diagramStatus({ records: 9, complete: false }, null)).toBe(
      '9 trace records; the oldest were dropped from memory, so the story is partial.',
    );
    expect(diagramStatus(null, 1)).toBe(
      'Following is paused while the load generator sends 1 command per second: pick a command to see its diagram.',
    );
    expect(diagramStatus(null, null)).toBe('');
  });
});
