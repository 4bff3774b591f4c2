// Which lessons the learner has read, kept in this browser (localStorage).
// The key carries a version so a later format can move old data over; a
// stored value that is not what we wrote (corrupt, edited, another format)
// is ignored rather than breaking the page.
export const READING_PROGRESS_KEY = 'cqrs-lab:reading-progress:v1';

export interface ReadingProgress {
  /** Lesson slug → when it was marked read (ISO date), for display only. */
  read: Record<string, string>;
}

const empty = (): ReadingProgress => ({ read: {} });

export function parseProgress(raw: string | null): ReadingProgress {
  if (!raw) return empty();
  try {
    const value: unknown = JSON.parse(raw);
    if (typeof value !== 'object' || value === null || !('read' in value)) return empty();
    const read = (value as { read: unknown }).read;
    if (typeof read !== 'object' || read === null || Array.isArray(read)) return empty();
    const clean: Record<string, string> = {};
    for (const [slug, when] of Object.entries(read)) if (typeof when === 'string') clean[slug] = when;
    return { read: clean };
  } catch {
    return empty();
  }
}

function storage(): Storage | undefined {
  try {
    return window.localStorage;
  } catch {
    return undefined; // storage disabled: progress lasts for this page view only
  }
}

export function loadProgress(): ReadingProgress {
  try {
    return parseProgress(storage()?.getItem(READING_PROGRESS_KEY) ?? null);
  } catch {
    return empty();
  }
}

export function setRead(slug: string, read: boolean): ReadingProgress {
  const progress = loadProgress();
  if (read) progress.read[slug] = new Date().toISOString();
  else delete progress.read[slug];
  try {
    storage()?.setItem(READING_PROGRESS_KEY, JSON.stringify(progress));
  } catch {
    // Full or blocked storage: the page still shows the change until it is left.
  }
  return progress;
}

/** Show ticks and counts: every `[data-read-slug]` and every `[data-read-count]` on the page. */
export function renderProgress(progress: ReadingProgress): void {
  const slugs = [...new Set([...document.querySelectorAll<HTMLElement>('[data-read-slug]')].map((el) => el.dataset.readSlug!))];
  for (const el of document.querySelectorAll<HTMLElement>('[data-read-slug]')) {
    el.toggleAttribute('data-read', Boolean(progress.read[el.dataset.readSlug!]));
  }
  for (const el of document.querySelectorAll<HTMLElement>('[data-read-count]')) {
    const total = Number(el.dataset.readTotal) || slugs.length;
    const done = Object.keys(progress.read).filter((slug) => slugs.includes(slug)).length;
    el.textContent = `${done} of ${total} read`;
  }
  for (const button of document.querySelectorAll<HTMLButtonElement>('[data-read-toggle]')) {
    const read = Boolean(progress.read[button.dataset.readToggle!]);
    button.setAttribute('aria-pressed', String(read));
    const label = button.querySelector('[data-read-toggle-label]');
    if (label) label.textContent = read ? 'Read' : 'Mark as read';
  }
}

/** Wire the page: render, the manual toggle, the automatic mark at the end of a lesson, other tabs. */
export function startReadingProgress(): void {
  renderProgress(loadProgress());
  for (const button of document.querySelectorAll<HTMLButtonElement>('[data-read-toggle]')) {
    button.addEventListener('click', () => {
      const slug = button.dataset.readToggle!;
      renderProgress(setRead(slug, button.getAttribute('aria-pressed') !== 'true'));
    });
  }
  const sentinel = document.querySelector<HTMLElement>('[data-read-sentinel]');
  if (sentinel && 'IntersectionObserver' in window) {
    // Reaching the end marks the lesson read once per visit; unmarking afterwards sticks.
    const observer = new IntersectionObserver((entries) => {
      if (!entries.some((entry) => entry.isIntersecting)) return;
      observer.disconnect();
      const slug = sentinel.dataset.readSentinel!;
      if (!loadProgress().read[slug]) renderProgress(setRead(slug, true));
    });
    observer.observe(sentinel);
  }
  window.addEventListener('storage', (event) => {
    if (event.key === READING_PROGRESS_KEY) renderProgress(loadProgress());
  });
}
