import { csvSafe } from '../../api/risk-reports';
import { assess, mergeAreaSums, rankAreas, riskModel, type Grade } from '../../domain/risk';

const food = riskModel('food-2008')!;

/** Every graded factor a group asks for, at one grade (what the engine lists as missing without grades). */
function graded(targetGroup: string, grade: Grade) {
  const { missing } = assess(food, { targetGroup });
  return assess(food, { targetGroup, grades: Object.fromEntries(missing.map((id) => [id, grade])) });
}

describe('top areas of a group (use case 2, item 4)', () => {
  const sites = [graded('centralKitchen', 'D'), graded('centralKitchen', 'B'), graded('centralKitchen', 'A')];
  const sums = food.areas.map((area) =>
    sites.reduce((total, s) => total + (s.areas.find((a) => a.id === area.id)?.points ?? 0), 0),
  );

  it('ranks areas by summed points with averages per site, leaving out the target group itself', () => {
    const top = rankAreas(food, sums, sites.length, 4);
    expect(top).toHaveLength(4);
    expect(top.map((a) => a.area)).not.toContain('targetGroup');
    const points = top.map((a) => a.points);
    expect([...points].sort((a, b) => b - a)).toEqual(points);
    for (const a of top) {
      const i = food.areas.findIndex((x) => x.id === a.area);
      expect(a.points).toBeCloseTo(sums[i]!, 2);
      expect(a.averagePoints).toBeCloseTo(sums[i]! / sites.length, 2);
    }
    // The best-graded site adds nothing outside its activity, so premises (graded D and B) lead.
    const premises = food.areas.findIndex((a) => a.id === 'premises');
    expect(Math.max(...sums.filter((_, i) => food.areas[i]!.kind !== 'targetGroup'))).toBe(sums[premises]);
  });

  it('breaks ties by area id and returns nothing for a group without classified sites', () => {
    const flat = food.areas.map(() => 5);
    expect(rankAreas(food, flat, 1, 3).map((a) => a.area)).toEqual(
      food.areas
        .filter((a) => a.kind !== 'targetGroup')
        .map((a) => a.id)
        .sort()
        .slice(0, 3),
    );
    expect(rankAreas(food, sums, 0)).toEqual([]);
  });

  it('adds sums made under other model versions by area id, ignoring areas the model no longer has', () => {
    const ids = food.areas.map((a) => a.id);
    const older = { areas: [...ids].reverse().concat('retiredArea'), sums: [...sums].reverse().concat(99) };
    const merged = mergeAreaSums(food, [{ areas: ids, sums }, older]);
    expect(merged).toEqual(sums.map((s) => s * 2));
  });
});

describe('CSV cells from user data', () => {
  it('neutralise what a spreadsheet would run as a formula, and only that', () => {
    expect(csvSafe('=HYPERLINK("http://x","y")')).toBe(`'=HYPERLINK("http://x","y")`);
    for (const lead of ['+', '-', '@', '\t', '\r']) expect(csvSafe(`${lead}1+1`)).toBe(`'${lead}1+1`);
    expect(csvSafe('Ravintola Laukontori')).toBe('Ravintola Laukontori');
    expect(csvSafe('2026-11-01')).toBe('2026-11-01');
    expect(csvSafe('')).toBe('');
  });
});
