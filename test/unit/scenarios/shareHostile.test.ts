// A shared link or file is untrusted input. Markup and script in names,
// story text and payloads are kept as plain text (the data comes back equal,
// to be shown by text interpolation only); wrong types, deep nesting, huge
// texts, prototype keys, damaged and oversized links are refused with a
// message saying what was wrong.
import { describe, expect, test } from 'vitest';
import { decodeScenarioLink, encodeScenarioLink, readScenarioFile } from '../../../src/scenarios/shareLink.ts';
import { ScenarioError } from '../../../src/scenarios/schema.ts';
import { scenarioFileText } from '../../../src/scenarios/draft.ts';
import { MAX_DEPTH, MAX_SCENARIO_BYTES, MAX_TEXT_CHARS, SharedScenarioError } from '../../../src/scenarios/untrusted.ts';
import { MAX_LINK_CHARS, toBase64Url } from '../../../src/sandbox/urlCodec.ts';
import type { Scenario } from '../../../src/scenarios/types.ts';
import { builtScenario } from './fixtures/builtScenario.ts';

const HOSTILE = [
  '<img src=x onerror="globalThis.pwned=1">',
  '<script>globalThis.pwned=1</script>',
  'javascript:globalThis.pwned=1',
  '"><svg onload=alert(1)>',
  '{{constructor.constructor("globalThis.pwned=1")()}}',
];

/** Deflate-raw + base64url of any text, as a hostile link would carry it. */
async function linkOf(text: string): Promise<string> {
  const stream = new Blob([new TextEncoder().encode(text)]).stream().pipeThrough(new CompressionStream('deflate-raw'));
  return toBase64Url(new Uint8Array(await new Response(stream).arrayBuffer()));
}

function hostileScenario(value: string): Scenario {
  const s = builtScenario(value);
  s.summary = value;
  s.lessons = [value];
  s.steps[0]!.narration = `${value} and \`${value}\``;
  s.steps[0]!.checkpoint = { question: value, choices: [{ text: value, why: value }, { text: 'ok' }], answer: 1, explanation: value };
  // A payload value: the product's display name (free text in the commerce domain).
  const product = s.setup![0]!;
  if (product.kind === 'command') product.command.data['name'] = value;
  s.challenge!.goal = value;
  s.challenge!.debrief = value;
  s.challenge!.hints = [value];
  s.challenge!.criteria[0]!.description = value;
  return s;
}

describe('markup and script in a shared scenario stay text', () => {
  test.each(HOSTILE)('%s comes back as the same plain string, through the link and the file, and nothing ran', async (value) => {
    const s = hostileScenario(value);
    const fromLink = await decodeScenarioLink(await encodeScenarioLink(s));
    const fromFile = readScenarioFile(`${s.slug}.json`, scenarioFileText(s));
    for (const back of [fromLink, fromFile]) {
      expect(back.title).toBe(value);
      expect(back.steps[0]!.narration).toBe(`${value} and \`${value}\``);
      expect(back.challenge!.goal).toBe(value);
      expect(back).toEqual(s);
    }
    expect((globalThis as { pwned?: number }).pwned).toBeUndefined();
  });
});

describe('malformed scenarios name the file and the field', () => {
  test.each([
    [(s: any) => (s.seed = 'seven'), 'shared.json: seed: expected a number (got "seven")'],
    [(s: any) => (s.steps = 'all of them'), 'steps: expected a array'],
    [(s: any) => (s.steps[0].intents[0].kind = 'eval'), 'steps[0].intents[0].kind: expected one of command, query'],
    [(s: any) => (s.steps[0].onclick = 'alert(1)'), 'steps[0].onclick: expected no such field'],
    [(s: any) => (s.domain = 'constructor'), 'domain: expected one of commerce, banking, social, workItems (got "constructor")'],
    [(s: any) => (s.challenge.criteria[0].value = { $gt: 0 }), 'challenge.criteria[0].value'],
    [
      (s: any) => (s.steps[0].intents[0].command.data.quantity = '1; DROP TABLE'),
      'steps[0].intents[0].command.data: expected a valid PlaceOrder payload',
    ],
  ])('%#: %s', async (patch, message) => {
    const s = JSON.parse(JSON.stringify(builtScenario())) as Record<string, unknown>;
    s['slug'] = 'shared';
    patch(s);
    await expect(decodeScenarioLink(await linkOf(JSON.stringify(s)))).rejects.toThrow(ScenarioError);
    await expect(decodeScenarioLink(await linkOf(JSON.stringify(s)))).rejects.toThrow(message);
    expect(() => readScenarioFile('shared.json', JSON.stringify(s))).toThrow(message);
  });

  test('a file whose slug is not its name is refused like one in simulations/', () => {
    expect(() => readScenarioFile('renamed.json', scenarioFileText(builtScenario()))).toThrow(
      'renamed.json: slug: expected "renamed" (the file name without .json) (got "the-order-that-was-not-there")',
    );
  });
});

describe('hostile and oversized input is refused with a clear message', () => {
  test('a scenario too large for a link: download the file instead', async () => {
    const s = builtScenario();
    // Texts that do not compress: each step's narration is random-looking.
    let x = 12345;
    const next = () => ((x ^= x << 13), (x ^= x >>> 17), (x ^= x << 5), (x >>> 0) % 26);
    const noise = () => Array.from({ length: 4000 }, () => String.fromCharCode(97 + next())).join('');
    s.steps = Array.from({ length: 30 }, (_, i) => ({ id: `s-${i}`, narration: noise() }));
    await expect(encodeScenarioLink(s)).rejects.toThrow(/too large for a link .*download the file instead/);
    // …and the file still validates.
    expect(readScenarioFile(`${s.slug}.json`, scenarioFileText(s)).steps).toHaveLength(30);
  });

  test('a link longer than the limit is refused before it is decoded', async () => {
    await expect(decodeScenarioLink('A'.repeat(MAX_LINK_CHARS + 1))).rejects.toThrow(/This link is too long/);
  });

  test('damaged links: not base64url, not deflate, not JSON', async () => {
    await expect(decodeScenarioLink('<script>')).rejects.toThrow('not valid base64url');
    await expect(decodeScenarioLink('AAAA')).rejects.toThrow(SharedScenarioError);
    await expect(decodeScenarioLink(await linkOf('<html>not json'))).rejects.toThrow(
      'This link does not hold a scenario: its data is not JSON.',
    );
  });

  test('a small link that unpacks to a huge text is stopped while unpacking', async () => {
    const bomb = await linkOf(' '.repeat(MAX_SCENARIO_BYTES * 4));
    expect(bomb.length).toBeLessThan(20_000);
    await expect(decodeScenarioLink(bomb)).rejects.toThrow(/unpacks to more than 1,000,000 bytes/);
  });

  test('a huge text in a field is refused, naming the field', async () => {
    const s = builtScenario();
    s.title = 'x'.repeat(MAX_TEXT_CHARS + 1);
    await expect(decodeScenarioLink(await linkOf(JSON.stringify(s)))).rejects.toThrow(/This link: title is a text of 20,001 characters/);
  });

  test('deep nesting is refused without exhausting the stack', async () => {
    const s = builtScenario();
    const deep = `${'{"a":'.repeat(MAX_DEPTH * 100)}1${'}'.repeat(MAX_DEPTH * 100)}`;
    const text = JSON.stringify(s).replace('"data":{"sku":"MUG"', `"data":{"deep":${deep},"sku":"MUG"`);
    expect(text).toContain('"deep"');
    await expect(decodeScenarioLink(await linkOf(text))).rejects.toThrow(/nested more than 32 levels deep/);
    expect(() => readScenarioFile(`${s.slug}.json`, text)).toThrow(/nested more than 32 levels deep/);
  });

  test('keys that reach a prototype are refused', async () => {
    const text = JSON.stringify(builtScenario()).replace('"data":{"sku":"MUG"', '"data":{"__proto__":{"polluted":true},"sku":"MUG"');
    await expect(decodeScenarioLink(await linkOf(text))).rejects.toThrow(/__proto__ is not a field a scenario can have/);
    expect(({} as { polluted?: boolean }).polluted).toBeUndefined();
  });

  test('a file that is not JSON, or too large, is refused', () => {
    expect(() => readScenarioFile('x.json', '<script>alert(1)</script>')).toThrow('x.json does not hold a scenario: its data is not JSON.');
    expect(() => readScenarioFile('x.json', ' '.repeat(MAX_SCENARIO_BYTES + 1))).toThrow(/x.json is too large/);
  });
});
