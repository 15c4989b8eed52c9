/**
 * What a MapView draws: areas, points and lines of a few kinds, each with a label and an
 * optional link for its popup. Turned into one GeoJSON FeatureCollection for MapLibre.
 */
import { areaGeometry, type ImpactArea, type LonLat } from './geo';

export type MapFeatureKind =
  /** A public notice whose period is open now (its impact area). */
  | 'notice'
  /** A notice whose period has ended, or not yet begun. */
  | 'closedNotice'
  /** A supervised site (supervision running: observations are taken). */
  | 'site'
  /** A site without supervision running now. */
  | 'otherSite'
  /** A user's own area (a subscription) or the area being chosen. */
  | 'area'
  /** A polygon being drawn: its edges and corner points. */
  | 'draft'
  /** A point the user picked (an observation's location). */
  | 'pick'
  /** An event venue (the venues page). */
  | 'venue';

export interface MapFeature {
  id: string;
  kind: MapFeatureKind;
  label: string;
  /** A filled area (circle or polygon). */
  area?: ImpactArea;
  /** A dot. */
  point?: LonLat;
  /** A line through the points (a polygon being drawn). */
  line?: LonLat[];
  /** A second line in the popup. */
  detail?: string;
  /** Where the popup's link goes (a notice page, the observation form). */
  href?: string;
  /** The link's text. */
  linkText?: string;
}

export const KIND_COLOURS: Record<MapFeatureKind, string> = {
  notice: '#c2410c',
  closedNotice: '#6b7280',
  site: '#0b7a3b',
  otherSite: '#5a6166',
  area: '#2a6ebb',
  draft: '#2a6ebb',
  pick: '#b3002a',
  venue: '#6d28d9',
};

type Geometry =
  | { type: 'Polygon'; coordinates: LonLat[][] }
  | { type: 'Point'; coordinates: LonLat }
  | { type: 'LineString'; coordinates: LonLat[] };

export interface FeatureCollection {
  type: 'FeatureCollection';
  features: Array<{
    type: 'Feature';
    id?: number;
    properties: { id: string; kind: MapFeatureKind };
    geometry: Geometry;
  }>;
}

/** One GeoJSON feature per drawn part: a feature with an area and a point gives two. */
export function toCollection(features: readonly MapFeature[]): FeatureCollection {
  const out: FeatureCollection['features'] = [];
  for (const f of features) {
    const properties = { id: f.id, kind: f.kind };
    if (f.area) out.push({ type: 'Feature', properties, geometry: areaGeometry(f.area) });
    if (f.line && f.line.length >= 2)
      out.push({ type: 'Feature', properties, geometry: { type: 'LineString', coordinates: f.line } });
    if (f.point) out.push({ type: 'Feature', properties, geometry: { type: 'Point', coordinates: f.point } });
  }
  return { type: 'FeatureCollection', features: out };
}

/** Every coordinate the features cover (for fitting the view). */
export function coordinatesOf(features: readonly MapFeature[]): LonLat[] {
  const points: LonLat[] = [];
  for (const f of features) {
    if (f.area) points.push(...areaGeometry(f.area).coordinates.flat());
    if (f.line) points.push(...f.line);
    if (f.point) points.push(f.point);
  }
  return points;
}
