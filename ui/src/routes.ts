/**
 * Every page of the UI and the module that draws it. Pages load on first visit, so the
 * first page stays small and the map (MapLibre) is fetched only where a map is shown.
 */
import type { Component } from 'svelte';

/** A page takes the route's parameters (`:id`), or nothing when its route has none. */
export type PageComponent = Component<{ params: Record<string, string> }> | Component<Record<string, never>>;

export interface RouteDef {
  pattern: string;
  /** The i18n key of the page's title (document title and heading). */
  title: string;
  load: () => Promise<{ default: PageComponent }>;
}

export const ROUTES: RouteDef[] = [
  { pattern: '/', title: 'nav.home', load: () => import('./views/Home.svelte') },
  { pattern: '/explore', title: 'nav.explore', load: () => import('./views/customer/Explore.svelte') },
  { pattern: '/projects/new', title: 'nav.newProject', load: () => import('./views/customer/NewProject.svelte') },
  { pattern: '/projects/:id', title: 'project.title', load: () => import('./views/project/ProjectPage.svelte') },
  { pattern: '/work', title: 'nav.work', load: () => import('./views/authority/WorkQueue.svelte') },
  { pattern: '/map', title: 'nav.map', load: () => import('./views/public/MapPage.svelte') },
  { pattern: '/notices', title: 'nav.notices', load: () => import('./views/public/NoticeList.svelte') },
  { pattern: '/notices/:id', title: 'notice.title', load: () => import('./views/public/NoticePage.svelte') },
  { pattern: '/observe', title: 'nav.observe', load: () => import('./views/public/ObservationForm.svelte') },
  {
    pattern: '/living-environment',
    title: 'nav.livingEnvironment',
    load: () => import('./views/public/LivingEnvironment.svelte'),
  },
  { pattern: '/supervision', title: 'nav.supervision', load: () => import('./views/supervision/Calendar.svelte') },
  { pattern: '/sites/:id', title: 'site.title', load: () => import('./views/supervision/SitePage.svelte') },
  { pattern: '/reports', title: 'nav.reports', load: () => import('./views/supervision/RiskReports.svelte') },
  { pattern: '/alerts', title: 'nav.alerts', load: () => import('./views/Alerts.svelte') },
  {
    pattern: '/authorities/:code/connection',
    title: 'bridge.title',
    load: () => import('./views/bridge/BridgeSettings.svelte'),
  },
  { pattern: '/search', title: 'nav.search', load: () => import('./views/knowledge/SearchPage.svelte') },
  { pattern: '/guides', title: 'nav.guides', load: () => import('./views/knowledge/GuideList.svelte') },
  { pattern: '/guides/:id', title: 'guide.title', load: () => import('./views/knowledge/GuidePage.svelte') },
  { pattern: '/advice/desk', title: 'nav.adviceDesk', load: () => import('./views/knowledge/AdviceDesk.svelte') },
  { pattern: '/archive', title: 'nav.archive', load: () => import('./views/archive/ArchiveSearch.svelte') },
  {
    pattern: '/archive/:projectId',
    title: 'archive.packageTitle',
    load: () => import('./views/archive/ArchivePackage.svelte'),
  },
  { pattern: '/venues', title: 'nav.venues', load: () => import('./views/venues/VenuesPage.svelte') },
  { pattern: '/invoices', title: 'nav.invoices', load: () => import('./views/invoices/InvoicesPage.svelte') },
  { pattern: '/invoices/:id', title: 'invoices.invoice', load: () => import('./views/invoices/InvoicePage.svelte') },
];
