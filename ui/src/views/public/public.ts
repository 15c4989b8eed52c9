/**
 * The public views' API shapes (api/public.ts, api/supervision.ts, api/alerts.ts) and the
 * pure rules they show: a notice's phase, which notices and sites go on the map, and how a
 * photo is scaled to be small enough to send. Pure (no DOM): unit-tested in
 * test/unit/ui-public.test.ts.
 */
import { areaCentre, isImpactArea, type ImpactArea, type LonLat } from './map/geo';
import type { MapFeature } from './map/features';

export interface PublicNotice {
  id: string;
  projectId: string;
  projectTitle: string;
  permitType: string;
  titleFi: string;
  titleEn: string;
  textFi: string;
  textEn: string;
  area: unknown;
  opensAt: string;
  closesAt: string;
  open: boolean;
}

export interface PublicComment {
  id: string;
  kind: 'opinion' | 'objection' | 'reply';
  authorName: string | null;
  text: string;
  replyToId?: string | null;
  createdAt: string;
}

export interface PublicSite {
  id: string;
  name: string;
  address: string;
  municipality: string;
  latitude: number | null;
  longitude: number | null;
  underSupervision: boolean;
}

export interface Subscription {
  id: string;
  name: string;
  area: ImpactArea;
  kinds: Array<'noticePublished' | 'decisionPublished' | 'incidentReported'>;
}

export interface PermitTypeName {
  permitType: string;
  nameFi: string;
  nameEn: string;
}

export type NoticePhase = 'upcoming' | 'open' | 'closed';

/**
 * Where a notice's period stands at `now`: before it opens, open, or ended. The server's
 * `open` (read when the page loaded) tells a notice closed early; `closedLive` is the room's
 * 'closed' event. The page reloads the notice when the period opens.
 */
export function noticePhase(
  notice: Pick<PublicNotice, 'opensAt' | 'closesAt' | 'open'>,
  now: number,
  closedLive = false,
): NoticePhase {
  if (closedLive) return 'closed';
  if (now < Date.parse(notice.opensAt)) return 'upcoming';
  if (now >= Date.parse(notice.closesAt)) return 'closed';
  return notice.open ? 'open' : 'closed';
}

/** Milliseconds until the notice's phase may change next (opening, closing), or null. */
export function nextPhaseChange(notice: Pick<PublicNotice, 'opensAt' | 'closesAt'>, now: number): number | null {
  const times = [Date.parse(notice.opensAt), Date.parse(notice.closesAt)].filter((t) => t > now);
  return times.length ? Math.min(...times) - now : null;
}

export const sitePoint = (s: PublicSite): LonLat | null =>
  s.latitude === null || s.longitude === null ? null : [s.longitude, s.latitude];

/** A notice's area and where its popup points, when its area is one the map can draw. */
export function noticeFeature(
  n: PublicNotice,
  label: string,
  detail: string,
  linkText: string,
  now: number,
): MapFeature | null {
  if (!isImpactArea(n.area)) return null;
  return {
    id: `notice-${n.id}`,
    kind: noticePhase(n, now) === 'open' ? 'notice' : 'closedNotice',
    label,
    detail,
    area: n.area,
    href: `/notices/${n.id}`,
    linkText,
  };
}

export const noticeCentre = (n: PublicNotice): LonLat | null => (isImpactArea(n.area) ? areaCentre(n.area) : null);

/** The ISO time for an `<input type="datetime-local">` value in the browser's time zone; null if empty. */
export function localInputToIso(value: string): string | null {
  if (!value) return null;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? null : date.toISOString();
}

/** The API's limit for a report's photo (api/supervision.ts MAX_PHOTO_BYTES). */
export const MAX_PHOTO_BYTES = 180 * 1024;

/** Sizes to try, largest first: the longest side in pixels and the JPEG quality. */
export const PHOTO_STEPS: ReadonlyArray<[number, number]> = [
  [1600, 0.8],
  [1280, 0.75],
  [1024, 0.7],
  [800, 0.65],
  [640, 0.6],
  [480, 0.55],
];

/** The scaled size keeping the aspect ratio, so that the longer side is at most `max`. */
export function scaledSize(width: number, height: number, max: number): [number, number] {
  const scale = Math.min(1, max / Math.max(width, height));
  return [Math.max(1, Math.round(width * scale)), Math.max(1, Math.round(height * scale))];
}

/** Bytes of base64 text (without a data: prefix). */
export const base64Bytes = (b64: string) =>
  Math.floor((b64.length * 3) / 4) - (b64.endsWith('==') ? 2 : b64.endsWith('=') ? 1 : 0);
