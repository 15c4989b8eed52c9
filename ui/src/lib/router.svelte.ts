/**
 * Client-side routes on real paths (the platform serves index.html for every non-API path),
 * so links can be bookmarked, shared and opened after sign-in (returnTo).
 */
export const route = $state<{ path: string; search: string }>({
  path: location.pathname,
  search: location.search,
});

export function navigate(href: string, replace = false): void {
  // eslint-disable-next-line svelte/prefer-svelte-reactivity -- read once, never mutated
  const url = new URL(href, location.origin);
  if (replace) history.replaceState(null, '', url);
  else history.pushState(null, '', url);
  route.path = url.pathname;
  route.search = url.search;
  window.scrollTo(0, 0);
}

/** `/projects/:id` against `/projects/abc` → { id: 'abc' }; null when it does not match. */
export function match(pattern: string, path: string): Record<string, string> | null {
  const want = pattern.split('/').filter(Boolean);
  const have = path.split('/').filter(Boolean);
  if (want.length !== have.length) return null;
  const params: Record<string, string> = {};
  for (let i = 0; i < want.length; i++) {
    const w = want[i] as string;
    const h = decodeURIComponent(have[i] as string);
    if (w.startsWith(':')) params[w.slice(1)] = h;
    else if (w !== h) return null;
  }
  return params;
}

export function query(name: string): string | null {
  // eslint-disable-next-line svelte/prefer-svelte-reactivity -- read once, never mutated
  return new URLSearchParams(route.search).get(name);
}

/** Same-origin links navigate in place; modified clicks and other targets behave as usual. */
export function installLinkHandler(): void {
  addEventListener('popstate', () => {
    route.path = location.pathname;
    route.search = location.search;
  });
  document.addEventListener('click', (event) => {
    if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey) return;
    const a = (event.target as Element | null)?.closest?.('a');
    if (!a || a.target || a.hasAttribute('download') || a.origin !== location.origin) return;
    if (/^\/(api|idp|socket\.io)(\/|$)/.test(a.pathname)) return;
    // A link within the page (#section) is the browser's to follow.
    if (a.hash && a.pathname === location.pathname && a.search === location.search) return;
    event.preventDefault();
    navigate(a.pathname + a.search);
  });
}
