// Registry of domains. Adding a domain means adding its folder and one line here.
import type { DomainDefinition } from '../engine/index.ts';
import { banking } from './banking/index.ts';
import { commerce } from './commerce/index.ts';
import { social } from './social/index.ts';
import { workItems } from './workItems/index.ts';

export const domains: Record<string, DomainDefinition> = { commerce, banking, social, workItems };

export function getDomain(name: string): DomainDefinition {
  const d = domains[name];
  if (!d) throw new Error(`Unknown domain '${name}'. Available: ${Object.keys(domains).join(', ')}.`);
  return d;
}

export { banking, commerce, social, workItems };
