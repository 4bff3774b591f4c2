// Forms generated from the domain's field specs: text, number, checkbox or
// select per field kind, prefilled with the spec's example.
import type { FieldSpec } from '../engine/index.ts';
import { parseFieldValue } from '../engine/index.ts';

export type FormValues = Record<string, string | boolean>;

export function initialValues(fields: readonly FieldSpec[]): FormValues {
  const out: FormValues = {};
  for (const f of fields) {
    if (f.kind === 'boolean') out[f.name] = f.required === false ? false : Boolean(f.example);
    else out[f.name] = f.required === false ? '' : String(f.example);
  }
  return out;
}

/** Form values → payload. Empty optional fields are left out; the engine validates the rest. */
export function payloadFrom(fields: readonly FieldSpec[], values: FormValues): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const f of fields) {
    const v = values[f.name];
    if (f.kind === 'boolean') {
      if (f.required === false && v !== true) continue;
      out[f.name] = v === true;
      continue;
    }
    const raw = typeof v === 'string' ? v.trim() : '';
    if (raw === '' && f.required === false) continue;
    out[f.name] = parseFieldValue(f, raw);
  }
  return out;
}

export function inputType(f: FieldSpec): 'text' | 'number' | 'checkbox' | 'select' {
  if (f.kind === 'integer' || f.kind === 'number') return 'number';
  if (f.kind === 'boolean') return 'checkbox';
  if (f.kind === 'enum') return 'select';
  return 'text';
}

/** The command form's optional "Expected version" field, in one line. */
export const EXPECTED_VERSION_HELP =
  'Optional: the version of the stream you decided on (an accepted result shows it, e.g. product-KB v2; 0 = it must not exist yet). If someone changed it since, the command is refused, naming both versions.';

/** The "Expected version" field → the command's expectedVersion (empty: no check; the engine judges the rest). */
export function expectedVersionFrom(raw: string): number | undefined {
  const text = raw.trim();
  return text === '' ? undefined : Number(text);
}
