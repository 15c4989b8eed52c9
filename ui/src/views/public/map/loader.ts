/**
 * MapLibre is loaded only where a map is shown: a dynamic import keeps it out of the first
 * page's bundle, and this module is itself reached only from lazily loaded pages. The style comes from GET /api/ui-config (MAP_STYLE_URL): the
 * offline basemap shipped under ui/public/basemap by default (ADR 0007).
 */
import { get } from '../../../lib/api';
// The worker ships as its own file (same origin, so the CSP's worker-src 'self' allows it).
import workerUrl from 'maplibre-gl/dist/maplibre-gl-worker.mjs?url';

export type MapLibre = typeof import('maplibre-gl');

let library: Promise<MapLibre> | null = null;
let style: Promise<string> | null = null;

export const FALLBACK_STYLE_URL = '/basemap/style.json';

/** The platform's look for popups (its font, a larger close button). */
const OVERRIDES = `
.maplibregl-popup-content { font: inherit; padding: 0.6rem 1.6rem 0.6rem 0.75rem; }
.maplibregl-popup-close-button { font-size: 1.2rem; width: 1.6rem; height: 1.6rem; }
`;

export function loadMapLibre(): Promise<MapLibre> {
  library ??= Promise.all([import('maplibre-gl'), import('maplibre-gl/dist/maplibre-gl.css?inline')]).then(
    ([mod, css]) => {
      mod.setWorkerUrl(workerUrl);
      // The stylesheet comes with the library, on demand (the CSP allows inline styles).
      const style = document.createElement('style');
      style.dataset.maplibre = '';
      style.textContent = css.default + OVERRIDES;
      document.head.append(style);
      return mod;
    },
  );
  library.catch(() => (library = null));
  return library;
}

export function mapStyleUrl(): Promise<string> {
  style ??= get<{ mapStyleUrl?: string }>('/api/ui-config')
    .then((c) => c.mapStyleUrl || FALLBACK_STYLE_URL)
    .catch(() => FALLBACK_STYLE_URL);
  return style;
}
