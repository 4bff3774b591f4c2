// A follow-up's model answer is one short paragraph in the question's frontmatter: plain text
// in which `backticks` mark code (a command, an event, a setting). Split it so the page can
// render the code spans as <code> without parsing Markdown or injecting HTML.

export interface InlinePart {
  code: boolean;
  text: string;
}

/** Text and code parts in order; an unmatched backtick stays as text. */
export function inlineParts(text: string): InlinePart[] {
  const parts: InlinePart[] = [];
  const pattern = /`([^`]+)`/g;
  let last = 0;
  for (const match of text.matchAll(pattern)) {
    if (match.index > last) parts.push({ code: false, text: text.slice(last, match.index) });
    parts.push({ code: true, text: match[1]! });
    last = match.index + match[0].length;
  }
  if (last < text.length) parts.push({ code: false, text: text.slice(last) });
  return parts;
}
