import { Workbox } from 'workbox-window';

// Registers the service worker (src/build/writeServiceWorker.ts) once the page has loaded, so its
// precache never competes with the first visit. When a new deploy is waiting, the learner is told
// and chooses when to reload; sessions and progress live in localStorage and IndexedDB, which the
// update leaves alone.
export function registerServiceWorker(base: string): void {
  if (!('serviceWorker' in navigator)) return;
  const workbox = new Workbox(`${base}sw.js`, { scope: base });
  workbox.addEventListener('waiting', () => offerReload(workbox));
  // Registration can be refused (private windows, blocked by policy or a test harness): the site
  // then simply works online, as it would without a service worker.
  const register = () => void workbox.register().catch((error: unknown) => console.warn('Offline use is unavailable:', error));
  if (document.readyState === 'complete') register();
  else addEventListener('load', register, { once: true });
}

function offerReload(workbox: Workbox): void {
  if (document.querySelector('.update-banner')) return;
  const banner = document.createElement('div');
  banner.className = 'update-banner';
  banner.setAttribute('role', 'status');
  const text = document.createElement('p');
  text.textContent = 'A new version of CQRS Lab is ready. Your sessions and progress are kept.';
  const reload = document.createElement('button');
  reload.type = 'button';
  reload.textContent = 'Reload';
  reload.addEventListener('click', () => {
    reload.disabled = true;
    workbox.addEventListener('controlling', () => location.reload());
    workbox.messageSkipWaiting();
  });
  const later = document.createElement('button');
  later.type = 'button';
  later.className = 'secondary';
  later.textContent = 'Later';
  later.addEventListener('click', () => banner.remove());
  banner.append(text, reload, later);
  document.body.append(banner);
}
