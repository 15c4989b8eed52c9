/**
 * Places in Pirkanmaa for choosing a centre without a map (AreaPicker's keyboard way) and for
 * the basemap's labels. Approximate centres of the municipalities' main built-up areas.
 */
import type { LonLat } from './geo';

export interface Place {
  id: string;
  name: string;
  at: LonLat;
}

export const PLACES: readonly Place[] = [
  { id: 'tampere', name: 'Tampere (keskusta)', at: [23.761, 61.4978] },
  { id: 'hervanta', name: 'Tampere (Hervanta)', at: [23.8513, 61.4496] },
  { id: 'lielahti', name: 'Tampere (Lielahti)', at: [23.6731, 61.5165] },
  { id: 'nokia', name: 'Nokia', at: [23.5087, 61.4789] },
  { id: 'ylojarvi', name: 'Ylöjärvi', at: [23.5963, 61.5563] },
  { id: 'pirkkala', name: 'Pirkkala', at: [23.646, 61.465] },
  { id: 'kangasala', name: 'Kangasala', at: [24.065, 61.4638] },
  { id: 'lempaala', name: 'Lempäälä', at: [23.7529, 61.314] },
  { id: 'valkeakoski', name: 'Valkeakoski', at: [24.0313, 61.264] },
  { id: 'akaa', name: 'Akaa', at: [23.8683, 61.1667] },
  { id: 'orivesi', name: 'Orivesi', at: [24.3572, 61.6772] },
  { id: 'hameenkyro', name: 'Hämeenkyrö', at: [23.196, 61.638] },
  { id: 'sastamala', name: 'Sastamala', at: [22.9091, 61.3405] },
  { id: 'ikaalinen', name: 'Ikaalinen', at: [23.0674, 61.7695] },
  { id: 'parkano', name: 'Parkano', at: [23.025, 62.011] },
  { id: 'mantta-vilppula', name: 'Mänttä-Vilppula', at: [24.6219, 62.0297] },
  { id: 'virrat', name: 'Virrat', at: [23.77, 62.24] },
];

/** Where maps open when they have nothing to show: Tampere. */
export const DEFAULT_CENTRE: LonLat = [23.761, 61.4978];
