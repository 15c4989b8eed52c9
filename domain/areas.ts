/**
 * Whether two drawn areas meet (an impact area and a resident's subscribed area, F41, F42).
 * Circles become 64-sided polygons; the geometry is @turf's.
 */
import booleanIntersects from '@turf/boolean-intersects';
import circle from '@turf/circle';
import { polygon } from '@turf/helpers';
import type { ImpactArea } from '../workflows/permit-section/messages';

function asPolygon(area: ImpactArea) {
  if (area.type === 'Circle') return circle(area.center, area.radiusMeters / 1000, { steps: 64, units: 'kilometers' });
  return polygon(area.coordinates);
}

export function areasMeet(a: ImpactArea, b: ImpactArea): boolean {
  return booleanIntersects(asPolygon(a), asPolygon(b));
}
