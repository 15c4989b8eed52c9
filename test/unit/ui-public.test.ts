/** The public views' pure logic: impact areas drawn by hand, notice phases, photo sizes. */
import fc from 'fast-check';
import {
  areaBounds,
  areaCentre,
  areaProblem,
  circleProblem,
  circleRing,
  closeRing,
  distanceMeters,
  formatLonLat,
  isImpactArea,
  openRing,
  parseDecimal,
  polygonArea,
  polygonProblem,
  selfIntersects,
  type LonLat,
} from '../../ui/src/views/public/map/geo';
import { coordinatesOf, toCollection } from '../../ui/src/views/public/map/features';
import {
  MAX_PHOTO_BYTES,
  PHOTO_STEPS,
  base64Bytes,
  localInputToIso,
  nextPhaseChange,
  noticePhase,
  scaledSize,
} from '../../ui/src/views/public/public';
import { ZImpactArea } from '../../api/schemas';
import { MAX_PHOTO_BYTES as API_MAX_PHOTO_BYTES } from '../../api/supervision';

const square: LonLat[] = [
  [23.7, 61.4],
  [23.8, 61.4],
  [23.8, 61.5],
  [23.7, 61.5],
];

describe('drawn polygons', () => {
  it('are closed for the API, once, and the API accepts them', () => {
    const ring = closeRing(square);
    expect(ring).toHaveLength(5);
    expect(ring[4]).toEqual(ring[0]);
    expect(closeRing(ring)).toEqual(ring);
    const area = polygonArea(square)!;
    expect(area).toEqual({ type: 'Polygon', coordinates: [ring] });
    expect(ZImpactArea.safeParse(area).success).toBe(true);
  });

  it('drop repeated clicks and a repeated first point when reopened', () => {
    expect(openRing([square[0]!, square[0]!, square[1]!, square[2]!, square[0]!])).toEqual([
      square[0],
      square[1],
      square[2],
    ]);
  });

  it('need three different points', () => {
    expect(polygonProblem([])).toBe('map.area.error.tooFewPoints');
    expect(polygonProblem([square[0]!, square[1]!])).toBe('map.area.error.tooFewPoints');
    expect(polygonProblem([square[0]!, square[1]!, square[1]!, square[0]!])).toBe('map.area.error.tooFewPoints');
    expect(polygonProblem(square.slice(0, 3))).toBeNull();
    expect(polygonArea(square.slice(0, 2))).toBeNull();
  });

  it('refuse edges that cross (a bow tie) and coordinates off the globe', () => {
    const bowTie: LonLat[] = [square[0]!, square[2]!, square[1]!, square[3]!];
    expect(selfIntersects(bowTie)).toBe(true);
    expect(polygonProblem(bowTie)).toBe('map.area.error.selfIntersecting');
    expect(selfIntersects(square)).toBe(false);
    expect(polygonProblem([[200, 61], square[1]!, square[2]!])).toBe('map.area.error.coordinates');
  });

  it('that pass the check are always accepted by the API (property)', () => {
    const point = fc.tuple(fc.double({ min: 20, max: 30, noNaN: true }), fc.double({ min: 60, max: 65, noNaN: true }));
    fc.assert(
      fc.property(fc.array(point, { minLength: 0, maxLength: 12 }), (points) => {
        const area = polygonArea(points as LonLat[]);
        if (area) expect(ZImpactArea.safeParse(area).success).toBe(true);
        else expect(polygonProblem(points as LonLat[])).not.toBeNull();
      }),
    );
  });
});

describe('circles', () => {
  it('need a centre on the globe and a radius above 0 and at most 100 km, like the API', () => {
    expect(circleProblem([23.76, 61.5], 500)).toBeNull();
    expect(circleProblem(null, 500)).toBe('map.area.error.coordinates');
    expect(circleProblem([23.76, 95], 500)).toBe('map.area.error.coordinates');
    expect(circleProblem([23.76, 61.5], 0)).toBe('map.area.error.radius');
    expect(circleProblem([23.76, 61.5], -5)).toBe('map.area.error.radius');
    expect(circleProblem([23.76, 61.5], 100_001)).toBe('map.area.error.radius');
    expect(circleProblem([23.76, 61.5], Number.NaN)).toBe('map.area.error.radius');
    for (const radiusMeters of [1, 500, 100_000, 100_001, 0]) {
      const area = { type: 'Circle' as const, center: [23.76, 61.5] as LonLat, radiusMeters };
      expect(areaProblem(area) === null).toBe(ZImpactArea.safeParse(area).success);
    }
  });

  it('are drawn as a closed ring whose points lie at the radius', () => {
    const centre: LonLat = [23.761, 61.4978];
    const ring = circleRing(centre, 800, 32);
    expect(ring).toHaveLength(33);
    expect(ring[32]).toEqual(ring[0]);
    for (const p of ring) expect(Math.abs(distanceMeters(centre, p) - 800)).toBeLessThan(0.5);
    const [w, s, e, n] = areaBounds({ type: 'Circle', center: centre, radiusMeters: 800 })!;
    expect(w).toBeLessThan(centre[0]);
    expect(e).toBeGreaterThan(centre[0]);
    expect((n - s) * 111_195).toBeCloseTo(1600, -1);
  });
});

describe('typed coordinates', () => {
  it('take a Finnish decimal comma, a dot and a minus sign, and nothing else', () => {
    expect(parseDecimal('61,4978')).toBe(61.4978);
    expect(parseDecimal(' 23.7610 ')).toBe(23.761);
    expect(parseDecimal('−12,5')).toBe(-12.5);
    expect(parseDecimal('')).toBeNaN();
    expect(parseDecimal('61,49,78')).toBeNaN();
    expect(parseDecimal('61.4978 N')).toBeNaN();
  });

  it('read as degrees north and east', () => {
    expect(formatLonLat([23.761, 61.4978])).toBe('61.4978° N, 23.7610° E');
    expect(formatLonLat([-3.5, -10], 1)).toBe('10.0° S, 3.5° W');
  });
});

describe('areas from the API', () => {
  it('are recognised, centred and drawn', () => {
    const polygon = { type: 'Polygon', coordinates: [closeRing(square)] };
    expect(isImpactArea(polygon)).toBe(true);
    expect(isImpactArea({ type: 'Circle', center: [1, 2], radiusMeters: 3 })).toBe(true);
    expect(isImpactArea({ type: 'Point', coordinates: [1, 2] })).toBe(false);
    expect(isImpactArea(null)).toBe(false);
    const [lon, lat] = areaCentre(polygon as never);
    expect(lon).toBeCloseTo(23.75);
    expect(lat).toBeCloseTo(61.45);
    const collection = toCollection([
      { id: 'a', kind: 'notice', label: 'A', area: { type: 'Circle', center: [23.76, 61.5], radiusMeters: 100 } },
      { id: 'b', kind: 'site', label: 'B', point: [23.7, 61.4] },
      { id: 'c', kind: 'draft', label: 'C', line: [square[0]!] },
    ]);
    expect(collection.features.map((f) => [f.properties.id, f.geometry.type])).toEqual([
      ['a', 'Polygon'],
      ['b', 'Point'],
    ]);
    expect(coordinatesOf([{ id: 'b', kind: 'site', label: 'B', point: [23.7, 61.4] }])).toEqual([[23.7, 61.4]]);
  });
});

describe('notice phases', () => {
  const notice = { opensAt: '2026-06-01T09:00:00Z', closesAt: '2026-06-15T21:00:00Z', open: true };
  const at = (iso: string) => Date.parse(iso);

  it('are upcoming before the period, open during it and closed from its end', () => {
    expect(noticePhase({ ...notice, open: false }, at('2026-05-31T12:00:00Z'))).toBe('upcoming');
    expect(noticePhase(notice, at('2026-06-01T09:00:00Z'))).toBe('open');
    expect(noticePhase(notice, at('2026-06-15T20:59:59Z'))).toBe('open');
    expect(noticePhase(notice, at('2026-06-15T21:00:00Z'))).toBe('closed');
  });

  it('are closed when the server or the live room says so, whatever the clock', () => {
    expect(noticePhase({ ...notice, open: false }, at('2026-06-10T12:00:00Z'))).toBe('closed');
    expect(noticePhase(notice, at('2026-06-10T12:00:00Z'), true)).toBe('closed');
  });

  it('change next at the opening, then at the end, then never', () => {
    expect(nextPhaseChange(notice, at('2026-06-01T08:00:00Z'))).toBe(60 * 60 * 1000);
    expect(nextPhaseChange(notice, at('2026-06-15T20:00:00Z'))).toBe(60 * 60 * 1000);
    expect(nextPhaseChange(notice, at('2026-06-16T00:00:00Z'))).toBeNull();
  });
});

describe('photos and times', () => {
  it("fit the API's limit, scaled down keeping the aspect ratio", () => {
    expect(MAX_PHOTO_BYTES).toBe(API_MAX_PHOTO_BYTES);
    expect(scaledSize(4000, 3000, 1600)).toEqual([1600, 1200]);
    expect(scaledSize(3000, 4000, 1600)).toEqual([1200, 1600]);
    expect(scaledSize(640, 480, 1600)).toEqual([640, 480]);
    expect(PHOTO_STEPS.map(([max]) => max)).toEqual([...PHOTO_STEPS.map(([max]) => max)].sort((a, b) => b - a));
    const bytes = Buffer.from('any bytes at all!');
    expect(base64Bytes(bytes.toString('base64'))).toBe(bytes.length);
    expect(base64Bytes(Buffer.from('ab').toString('base64'))).toBe(2);
  });

  it('from a datetime-local input become ISO instants; empty or broken ones none', () => {
    expect(localInputToIso('')).toBeNull();
    expect(localInputToIso('not a time')).toBeNull();
    expect(localInputToIso('2026-06-01T12:30')).toBe(new Date(2026, 5, 1, 12, 30).toISOString());
  });
});
