/**
 * Impact areas as the API takes them (ZImpactArea in api/schemas.ts) and the pure geometry
 * the map views need: closing and checking a drawn polygon, checking a circle, drawing a
 * circle as a polygon, bounds and a readable description. No DOM and no MapLibre here, so
 * test/unit/ui-public.test.ts tests it directly.
 */

/** [longitude, latitude], the GeoJSON order. */
export type LonLat = [number, number];

export type ImpactArea =
  { type: 'Polygon'; coordinates: LonLat[][] } | { type: 'Circle'; center: LonLat; radiusMeters: number };

/** The API's limits (ZImpactArea). */
export const MAX_RADIUS_METERS = 100_000;
export const MAX_POLYGON_POINTS = 1999;

/** Why an area is not acceptable, as an i18n key of public.json. */
export type AreaProblem =
  | 'map.area.error.tooFewPoints'
  | 'map.area.error.tooManyPoints'
  | 'map.area.error.selfIntersecting'
  | 'map.area.error.radius'
  | 'map.area.error.coordinates';

const EARTH_RADIUS_M = 6_371_008.8;
const rad = (deg: number) => (deg * Math.PI) / 180;
const deg = (r: number) => (r * 180) / Math.PI;

export const validLonLat = ([lon, lat]: readonly number[]) =>
  Number.isFinite(lon) && Number.isFinite(lat) && lon! >= -180 && lon! <= 180 && lat! >= -90 && lat! <= 90;

/** The ring with its first point repeated at the end (the API wants closed rings). */
export function closeRing(points: readonly LonLat[]): LonLat[] {
  if (points.length === 0) return [];
  const first = points[0]!;
  const last = points[points.length - 1]!;
  const ring = points.map((p) => [p[0], p[1]] as LonLat);
  if (first[0] !== last[0] || first[1] !== last[1]) ring.push([first[0], first[1]]);
  return ring;
}

/** The drawn points without the closing point and without repeats of the previous point. */
export function openRing(points: readonly LonLat[]): LonLat[] {
  const out: LonLat[] = [];
  for (const p of points) {
    const prev = out[out.length - 1];
    if (!prev || prev[0] !== p[0] || prev[1] !== p[1]) out.push([p[0], p[1]]);
  }
  const first = out[0];
  const last = out[out.length - 1];
  if (out.length > 1 && first && last && first[0] === last[0] && first[1] === last[1]) out.pop();
  return out;
}

function segmentsCross(a: LonLat, b: LonLat, c: LonLat, d: LonLat): boolean {
  const orient = (p: LonLat, q: LonLat, r: LonLat) =>
    Math.sign((q[0] - p[0]) * (r[1] - p[1]) - (q[1] - p[1]) * (r[0] - p[0]));
  const o1 = orient(a, b, c);
  const o2 = orient(a, b, d);
  const o3 = orient(c, d, a);
  const o4 = orient(c, d, b);
  return o1 !== o2 && o3 !== o4 && o1 !== 0 && o2 !== 0 && o3 !== 0 && o4 !== 0;
}

/** Whether two non-adjacent edges of the (open) ring cross each other. */
export function selfIntersects(points: readonly LonLat[]): boolean {
  const ring = openRing(points);
  const n = ring.length;
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      if (j === i + 1 || (i === 0 && j === n - 1)) continue; // neighbours share a point
      if (segmentsCross(ring[i]!, ring[(i + 1) % n]!, ring[j]!, ring[(j + 1) % n]!)) return true;
    }
  }
  return false;
}

/** A drawn polygon's problem, or null: at least 3 distinct points, edges that do not cross. */
export function polygonProblem(points: readonly LonLat[]): AreaProblem | null {
  const ring = openRing(points);
  if (!ring.every(validLonLat)) return 'map.area.error.coordinates';
  if (new Set(ring.map((p) => `${p[0]},${p[1]}`)).size < 3) return 'map.area.error.tooFewPoints';
  if (ring.length > MAX_POLYGON_POINTS) return 'map.area.error.tooManyPoints';
  if (selfIntersects(ring)) return 'map.area.error.selfIntersecting';
  return null;
}

/** A circle's problem, or null: a valid centre and a radius above 0 and at most 100 km. */
export function circleProblem(center: readonly number[] | null, radiusMeters: number): AreaProblem | null {
  if (!center || center.length !== 2 || !validLonLat(center)) return 'map.area.error.coordinates';
  if (!Number.isFinite(radiusMeters) || radiusMeters <= 0 || radiusMeters > MAX_RADIUS_METERS) {
    return 'map.area.error.radius';
  }
  return null;
}

/** The problem of an area in the API's format, or null. */
export function areaProblem(area: ImpactArea): AreaProblem | null {
  if (area.type === 'Circle') return circleProblem(area.center, area.radiusMeters);
  const [outer] = area.coordinates;
  return outer ? polygonProblem(outer) : 'map.area.error.tooFewPoints';
}

/** The API's polygon from drawn points (closed); null while the points do not make one. */
export function polygonArea(points: readonly LonLat[]): ImpactArea | null {
  if (polygonProblem(points)) return null;
  return { type: 'Polygon', coordinates: [closeRing(openRing(points))] };
}

/** "61,4978" or "61.4978" (Finnish decimal comma too) → 61.4978; NaN for anything else. */
export function parseDecimal(text: string): number {
  const t = text.trim().replace(/\s/g, '').replace(',', '.').replace('−', '-');
  return /^[-+]?\d+(\.\d+)?$/.test(t) ? Number(t) : Number.NaN;
}

/** The point `meters` from `center` towards `bearing` (degrees from north), on a sphere. */
export function destination(center: LonLat, meters: number, bearing: number): LonLat {
  const phi1 = rad(center[1]);
  const lam1 = rad(center[0]);
  const dist = meters / EARTH_RADIUS_M;
  const theta = rad(bearing);
  const phi2 = Math.asin(Math.sin(phi1) * Math.cos(dist) + Math.cos(phi1) * Math.sin(dist) * Math.cos(theta));
  const lam2 =
    lam1 +
    Math.atan2(Math.sin(theta) * Math.sin(dist) * Math.cos(phi1), Math.cos(dist) - Math.sin(phi1) * Math.sin(phi2));
  return [deg(lam2), deg(phi2)];
}

/** Great-circle distance in metres. */
export function distanceMeters(a: LonLat, b: LonLat): number {
  const dPhi = rad(b[1] - a[1]);
  const dLam = rad(b[0] - a[0]);
  const h = Math.sin(dPhi / 2) ** 2 + Math.cos(rad(a[1])) * Math.cos(rad(b[1])) * Math.sin(dLam / 2) ** 2;
  return 2 * EARTH_RADIUS_M * Math.asin(Math.min(1, Math.sqrt(h)));
}

/** A circle drawn as a closed ring of `steps` points (how the map shows circular areas). */
export function circleRing(center: LonLat, radiusMeters: number, steps = 64): LonLat[] {
  const ring: LonLat[] = [];
  for (let i = 0; i < steps; i++) ring.push(destination(center, radiusMeters, (360 * i) / steps));
  return closeRing(ring);
}

/** The area as a GeoJSON polygon geometry for drawing (a circle becomes a ring of points). */
export function areaGeometry(area: ImpactArea): { type: 'Polygon'; coordinates: LonLat[][] } {
  if (area.type === 'Circle') return { type: 'Polygon', coordinates: [circleRing(area.center, area.radiusMeters)] };
  return { type: 'Polygon', coordinates: area.coordinates };
}

/** [west, south, east, north] around the given points. */
export function boundsOf(points: readonly LonLat[]): [number, number, number, number] | null {
  if (points.length === 0) return null;
  let [w, s, e, n] = [Infinity, Infinity, -Infinity, -Infinity];
  for (const [lon, lat] of points) {
    w = Math.min(w, lon);
    s = Math.min(s, lat);
    e = Math.max(e, lon);
    n = Math.max(n, lat);
  }
  return [w, s, e, n];
}

export function areaBounds(area: ImpactArea): [number, number, number, number] | null {
  return boundsOf(areaGeometry(area).coordinates.flat());
}

/** The centre of an area (a polygon's vertex average; good enough for a marker or a list). */
export function areaCentre(area: ImpactArea): LonLat {
  if (area.type === 'Circle') return area.center;
  const ring = openRing(area.coordinates[0] ?? []);
  const sum = ring.reduce<LonLat>((acc, p) => [acc[0] + p[0], acc[1] + p[1]], [0, 0]);
  return ring.length ? [sum[0] / ring.length, sum[1] / ring.length] : [0, 0];
}

/** Whether the value looks like an impact area from the API (notices store it as JSON). */
export function isImpactArea(value: unknown): value is ImpactArea {
  if (!value || typeof value !== 'object') return false;
  const v = value as Record<string, unknown>;
  if (v.type === 'Circle') return Array.isArray(v.center) && typeof v.radiusMeters === 'number';
  if (v.type === 'Polygon') return Array.isArray(v.coordinates) && Array.isArray((v.coordinates as unknown[])[0]);
  return false;
}

/** "61.4978° N, 23.7610° E": how a point reads in lists and screen readers. */
export function formatLonLat([lon, lat]: LonLat, digits = 4): string {
  return `${Math.abs(lat).toFixed(digits)}° ${lat >= 0 ? 'N' : 'S'}, ${Math.abs(lon).toFixed(digits)}° ${lon >= 0 ? 'E' : 'W'}`;
}
