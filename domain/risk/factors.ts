/**
 * Which factors of an area a target group grades. Kept apart from model.ts (which validates
 * models with zod) so the UI can use the same rule without loading the validator.
 */
import type { RiskFactor, RiskModel, TargetGroup } from './model';

/** The factors of an area that apply to a group (empty when the area does not apply). */
export function applicableFactors(model: RiskModel, group: TargetGroup, areaId: string): RiskFactor[] {
  const rule = group.areas[areaId];
  if (!rule) return [];
  const inArea = model.factors.filter((f) => f.area === areaId);
  if (rule === 'all') return inArea;
  if ('only' in rule) return inArea.filter((f) => rule.only.includes(f.id));
  return inArea.filter((f) => !rule.except.includes(f.id));
}
