/**
 * Imported once by main.tsx: registers public/sw.js, which lets the installed app open without a
 * network. Only the production build has it, after the page has loaded, so it never competes with it.
 */
if (import.meta.env.PROD && 'serviceWorker' in navigator) {
  window.addEventListener('load', () => {
    // Without the worker the app works as before, only not offline.
    navigator.serviceWorker.register('/sw.js').catch(() => {});
  });
}
