/** Risk models shipped with the platform; each is validated when this module loads. */
import food2008 from './models/food-2008.json';
import facilityExample from './models/facility-example.json';
import { loadRiskModel, type RiskModel } from './model';

export const RISK_MODELS: readonly RiskModel[] = [loadRiskModel(food2008), loadRiskModel(facilityExample)];
export const DEFAULT_RISK_MODEL = 'food-2008';

export function riskModel(id: string = DEFAULT_RISK_MODEL): RiskModel | undefined {
  return RISK_MODELS.find((m) => m.id === id);
}

export * from './model';
export * from './engine';
export * from './site-data';
export * from './reports';
