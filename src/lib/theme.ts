// Theme preference: 'light' | 'dark' chosen by the learner, or nothing (follow the system).
export type Theme = 'light' | 'dark';
export const THEME_STORAGE_KEY = 'cqrs-lab:theme';
export const THEME_CHANGE_EVENT = 'cqrs-lab:themechange';

export function currentTheme(): Theme {
  return document.documentElement.dataset.theme === 'dark' ? 'dark' : 'light';
}

export function savedTheme(): Theme | null {
  try {
    const value = localStorage.getItem(THEME_STORAGE_KEY);
    return value === 'light' || value === 'dark' ? value : null;
  } catch {
    return null; // storage blocked: follow the system
  }
}

export function applyTheme(theme: Theme): void {
  if (document.documentElement.dataset.theme === theme) return;
  document.documentElement.dataset.theme = theme;
  document.dispatchEvent(new CustomEvent(THEME_CHANGE_EVENT, { detail: theme }));
}

export function persistTheme(theme: Theme): void {
  try {
    localStorage.setItem(THEME_STORAGE_KEY, theme);
  } catch {
    /* storage blocked: the choice lasts for this page only */
  }
  applyTheme(theme);
}

/** Follow the system while the learner has not chosen. */
export function followSystemTheme(): void {
  const media = matchMedia('(prefers-color-scheme: dark)');
  media.addEventListener('change', (event) => {
    if (!savedTheme()) applyTheme(event.matches ? 'dark' : 'light');
  });
}
