/**
 * A venue of its own for a test. Venue workflows are per venue and date, and the Temporal
 * server outlives a test run: a seeded venue's date could meet a queue that an earlier run
 * left behind on a task queue no worker polls any more.
 */
import { randomUUID } from 'node:crypto';
import type { Db } from '../../platform/db';

export async function newTestVenue(db: Db, overrides: { name?: string; holdDays?: number; latitude?: number } = {}) {
  return db.venue.create({
    data: {
      name: overrides.name ?? `Testilava ${randomUUID().slice(0, 8)}`,
      descriptionFi: 'Testilava Laukontorilla.',
      descriptionEn: 'A test stage at Laukontori.',
      address: 'Laukontori 1',
      municipality: 'Tampere',
      latitude: overrides.latitude ?? 61.4946,
      longitude: 23.7622,
      capacity: 500,
      rentPerDayCents: 50_000,
      technical: { power: '3 × 32 A', stage: '8 m × 6 m' },
      ownerName: 'Tampereen kaupunki',
      contactEmail: 'venues@tampere.example',
      holdDays: overrides.holdDays ?? 14,
    },
  });
}
