/** Texts the public views share: an area, a permit type's name, a notice's period. */
import { formatDateTime, formatNumber, pick, t } from '../../i18n/index.svelte';
import { formatLonLat, isImpactArea, openRing } from './map/geo';
import type { NoticePhase, PermitTypeName } from './public';

/** "Circle of 500 m around 61.4978° N, 23.7610° E" / "Area with 5 corner points". */
export function describeArea(area: unknown): string {
  if (!isImpactArea(area)) return t('map.area.unknown');
  if (area.type === 'Circle') {
    return t('map.area.summaryCircle', { radius: formatNumber(area.radiusMeters), centre: formatLonLat(area.center) });
  }
  return t('map.area.summaryPolygon', { count: openRing(area.coordinates[0] ?? []).length });
}

export function permitName(types: readonly PermitTypeName[], permitType: string): string {
  const type = types.find((p) => p.permitType === permitType);
  return type ? pick(type.nameFi, type.nameEn) : permitType;
}

export const period = (n: { opensAt: string; closesAt: string }) =>
  t('notice.period', { from: formatDateTime(n.opensAt), to: formatDateTime(n.closesAt) });

export const phaseLabel = (phase: NoticePhase) => t(`notice.phase.${phase}`);
