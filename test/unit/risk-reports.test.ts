import {
  assess,
  classCounts,
  groupRanking,
  rankingByGroup,
  riskModel,
  topAreas,
  type AssessedSite,
} from '../../domain/risk';

const food = riskModel('food-2008')!;
const gradesFor = (groupId: string, grade: string) => {
  const group = food.groups.find((g) => g.id === groupId)!;
  return Object.fromEntries(
    food.factors
      .filter((f) => food.areas.find((a) => a.id === f.area)?.kind === 'graded' && group.areas[f.area] && !f.requires)
      .filter((f) => {
        const rule = group.areas[f.area]!;
        return rule === 'all' || ('only' in rule ? rule.only.includes(f.id) : !rule.except.includes(f.id));
      })
      .map((f) => [f.id, grade]),
  );
};
const site = (name: string, targetGroup: string, grade: string | null): AssessedSite => ({
  siteId: name,
  siteName: name,
  assessment: assess(food, { targetGroup, grades: grade ? gradesFor(targetGroup, grade) : {} }),
});

const sites = [
  site('Keittiö A', 'centralKitchen', 'D'),
  site('Keittiö B', 'centralKitchen', 'A'),
  site('Keittiö C', 'centralKitchen', 'B'),
  site('Ravintola A', 'restaurant', 'C'),
  site('Ravintola uusi', 'restaurant', null),
];

describe('risk reports (use case 2)', () => {
  it('ranks sites by frequency within each group, unclassified last', () => {
    const ranking = rankingByGroup(sites);
    expect(ranking.map((g) => g.targetGroup)).toEqual(['centralKitchen', 'restaurant']);
    expect(ranking[0]!.sites.map((s) => s.siteName)).toEqual(['Keittiö A', 'Keittiö C', 'Keittiö B']);
    expect(ranking[1]!.sites.map((s) => [s.siteName, s.riskClass])).toEqual([
      ['Ravintola A', expect.any(String)],
      ['Ravintola uusi', null],
    ]);
    const frequencies = ranking[0]!.sites.map((s) => s.frequencyPerYear!);
    expect([...frequencies].sort((a, b) => b - a)).toEqual(frequencies);
  });

  it("lists one group's sites", () => {
    expect(groupRanking(sites, 'restaurant').map((s) => s.siteName)).toEqual(['Ravintola A', 'Ravintola uusi']);
    expect(groupRanking(sites, 'kiosk')).toEqual([]);
  });

  it('counts sites per class and the unclassified per group', () => {
    const counts = classCounts(sites);
    const kitchens = counts.find((c) => c.targetGroup === 'centralKitchen')!;
    expect(kitchens.total).toBe(3);
    expect(kitchens.R1 + kitchens.R2 + kitchens.R3).toBe(3);
    expect(counts.find((c) => c.targetGroup === 'restaurant')).toMatchObject({ unclassified: 1, total: 2 });
  });

  it('names the areas that cause the most points, from classified sites only', () => {
    const top = topAreas(sites, 2);
    const kitchens = top.find((t) => t.targetGroup === 'centralKitchen')!;
    expect(kitchens.sites).toBe(3);
    // Premises 23 (D) + 7.67 (B) = 30.67; each own-check area 18.4 + 6.13 = 24.53 (ties by name).
    expect(kitchens.areas).toEqual([
      { area: 'premises', points: 30.67, averagePoints: 10.22 },
      { area: 'ownCheckHaccp', points: 24.53, averagePoints: 8.18 },
    ]);
    expect(kitchens.areas.map((a) => a.area)).not.toContain('targetGroup');
    expect(top.find((t) => t.targetGroup === 'restaurant')!.sites).toBe(1);
  });
});
