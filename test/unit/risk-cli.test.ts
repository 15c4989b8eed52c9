import { CliError, runRiskCommand } from '../../platform/risk-cli';
import { RiskInputError } from '../../domain/risk';

describe('risk command line', () => {
  it('lists every group with its class ranges and frequency per band', () => {
    const groups = runRiskCommand(['groups'], '') as Array<{ id: string; classes: { R1: { min: number } } }>;
    expect(groups).toHaveLength(37);
    expect(groups.find((g) => g.id === 'centralKitchen')).toMatchObject({
      baselinePerYear: 4,
      classes: { R1: { min: 103.2, max: 148.8 }, R2: { min: 57.59, max: 103.19 }, R3: { min: 12, max: 57.58 } },
      frequencyPerBand: { 'R1-upper': 6, 'R1-lower': 5, R2: 4, 'R3-upper': 3, 'R3-lower': 2 },
    });
  });

  it('lists every factor with its kind, points and groups', () => {
    const factors = runRiskCommand(['factors'], '') as Array<{ id: string; kind: string; groups: string[] }>;
    expect(factors.find((f) => f.id === 'activity.portionsOver300')).toMatchObject({
      kind: 'presence',
      points: 1.91,
      exclusive: 'portions',
    });
    expect(factors.find((f) => f.id === 'premises.adequacy')).toMatchObject({ kind: 'graded', pointsPerGrade: 1.394 });
  });

  it('assesses a site from JSON and reports what is missing', () => {
    const result = runRiskCommand(
      ['assess'],
      JSON.stringify({ targetGroup: 'restaurant', present: ['activity.aLaCarte'] }),
    );
    expect(result).toMatchObject({ classified: false, score: null, riskClass: null });
    expect((result as { missing: string[] }).missing).toContain('premises.adequacy');
  });

  it.each<[string, RegExp]>([
    ['{oops', /^input: not valid JSON$/],
    ['{"targetGroup":"restaurant","colour":"red"}', /Unrecognized key/],
    ['{"grades":{}}', /^targetGroup:/],
    ['{"targetGroup":"restaurant","model":"nope"}', /^model: unknown model "nope"$/],
  ])('refuses %s naming the field', (input, message) => {
    expect(() => runRiskCommand(['assess'], input)).toThrow(CliError);
    expect(() => runRiskCommand(['assess'], input)).toThrow(message);
  });

  it('passes engine rejections through with the field', () => {
    const both = JSON.stringify({
      targetGroup: 'restaurant',
      present: ['activity.portions50to300', 'activity.portionsOver300'],
    });
    expect(() => runRiskCommand(['assess'], both)).toThrow(RiskInputError);
    expect(() => runRiskCommand(['assess'], both)).toThrow(/^present\.1: .* exclude each other$/);
  });

  it('prints usage for an unknown command', () => {
    expect(() => runRiskCommand(['dance'], '')).toThrow(/usage: risk groups/);
  });
});
