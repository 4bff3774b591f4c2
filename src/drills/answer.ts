// The last rung of a drill's hint ladder: the model design in words, from the
// drill's `knownGood` (so the answer can never disagree with what the tests
// prove passes).
import type { Drill } from './types.ts';

/** "Choice: option; choice: option." for the known-good design. */
export function drillAnswer(drill: Drill): string {
  const picks = drill.choices.map((choice) => {
    const option = choice.options.find((o) => o.id === drill.knownGood[choice.id]);
    return `${choice.label}: ${option?.label ?? drill.knownGood[choice.id]}`;
  });
  return `${picks.join('; ')}.`;
}
