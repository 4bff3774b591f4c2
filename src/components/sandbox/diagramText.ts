// What the sequence-diagram panel says about the command it draws: the menu's
// "Latest" entry names the command actually on screen, and the status line is
// whole sentences, each ending before the next starts.
import { plural } from '../../lib/plural';

export interface CommandLabel {
  commandId: string;
  commandType: string;
  outcome: string;
}

/**
 * The "Latest" option. While the load generator runs, following is held on
 * the diagram already drawn, so the entry names that one, not the newest.
 */
export function latestLabel(latest: CommandLabel | null, held: CommandLabel | string | null): string {
  if (held !== null) {
    const what = typeof held === 'string' ? held : `${held.commandId} ${held.commandType} (${held.outcome})`;
    return `Latest, held at ${what} while the load runs`;
  }
  return latest ? `Latest: ${latest.commandId} ${latest.commandType} (${latest.outcome})` : 'Latest (none yet)';
}

/** The status line under the menu. */
export function diagramStatus(d: { records: number; complete: boolean } | null, holdingRate: number | null): string {
  const sentences: string[] = [];
  if (d) {
    sentences.push(
      d.complete
        ? `${plural(d.records, 'trace record')}.`
        : `${plural(d.records, 'trace record')}; the oldest were dropped from memory, so the story is partial.`,
    );
  }
  if (holdingRate !== null) {
    sentences.push(
      `Following is paused while the load generator sends ${plural(holdingRate, 'command')} per second: pick a command to see its diagram.`,
    );
  }
  return sentences.join(' ');
}
