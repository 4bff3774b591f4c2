// The site's sections, in one list: the header's main navigation and the
// lesson drawer on small screens both read it.
export interface SiteSection {
  href: string;
  label: string;
}

export function siteSections(base: string): SiteSection[] {
  return [
    { href: `${base}lessons/`, label: 'Lessons' },
    { href: `${base}scenarios/`, label: 'Scenarios' },
    { href: `${base}sandbox/`, label: 'Sandbox' },
    { href: `${base}practice/code/`, label: 'Write code' },
    { href: `${base}practice/incidents/`, label: 'Incidents' },
    { href: `${base}interview/`, label: 'Interview practice' },
    { href: `${base}glossary/`, label: 'Glossary' },
  ];
}
