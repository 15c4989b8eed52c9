/**
 * The risk models' names and factors for the UI (the API answers with ids): the model files
 * the engine itself loads, fetched as a separate chunk the first time a page needs one.
 */
import type { RiskModel } from './risk';

const files = import.meta.glob<unknown>('../../../../domain/risk/models/*.json', { import: 'default' });
const loaders: Record<string, () => Promise<unknown>> = Object.fromEntries(
  Object.entries(files).map(([path, load]) => [path.replace(/^.*\/|\.json$/g, ''), load]),
);
const loaded: Record<string, Promise<RiskModel | null>> = {};

/** Ids of the models shipped with the platform (the file names). */
export const MODEL_IDS: readonly string[] = Object.keys(loaders).sort();

/** The model with this id (null when this build does not have it). */
export function loadModel(id: string): Promise<RiskModel | null> {
  const load = loaders[id];
  if (!load) return Promise.resolve(null);
  loaded[id] ??= load().then((m) => m as RiskModel);
  return loaded[id];
}

/** Every shipped model (the reports name groups and areas across models). */
export async function loadModels(): Promise<RiskModel[]> {
  const models = await Promise.all(MODEL_IDS.map(loadModel));
  return models.filter((m): m is RiskModel => m !== null);
}
