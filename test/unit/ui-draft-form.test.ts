/** The application form's logic (ui/src/views/project/draft-form.ts): parsing, lights, autosave patches. */
import fc from 'fast-check';
import {
  check,
  displayValue,
  formSections,
  normForecastDays,
  parseInput,
  patchBetween,
  setValue,
  toggleSecret,
  type FieldDef,
  type ProjectDraft,
} from '../../ui/src/views/project/draft-form';
import { permitType } from '../../domain/catalogue';
import { endOfHelsinkiDay, helsinkiInstant } from '../../ui/src/lib/time';

const numberField: FieldDef = { key: 'n', labelFi: 'Luku', labelEn: 'Number', type: 'number', required: true };
const textField: FieldDef = { key: 't', labelFi: 'Teksti', labelEn: 'Text', type: 'text', required: true };
const boolField: FieldDef = { key: 'b', labelFi: 'Kyllä', labelEn: 'Yes', type: 'boolean', required: true };
const empty: ProjectDraft = { common: {}, sections: { 'public-event': {} } };

describe('parseInput', () => {
  it('reads Finnish and English numbers, and keeps what is no number as text', () => {
    expect(parseInput(numberField, '1 200,5')).toBe(1200.5);
    expect(parseInput(numberField, '350')).toBe(350);
    expect(parseInput(numberField, '-2.5')).toBe(-2.5);
    expect(parseInput(numberField, 'noin sata')).toBe('noin sata');
    expect(parseInput(numberField, '   ')).toBeNull();
  });
  it('maps booleans and empty text', () => {
    expect(parseInput(boolField, true)).toBe(true);
    expect(parseInput(boolField, 'false')).toBe(false);
    expect(parseInput(boolField, '')).toBeNull();
    expect(parseInput(textField, '')).toBeNull();
    expect(parseInput(textField, 'Kesäkatu')).toBe('Kesäkatu');
  });
  it('round-trips every finite number through its Finnish display', () => {
    fc.assert(
      fc.property(fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e9, max: 1e9 }), (n) => {
        fc.pre(!String(n).includes('e') && !Object.is(n, -0));
        expect(parseInput(numberField, displayValue(n, 'fi'))).toBe(n);
      }),
    );
  });
});

describe('traffic lights as the user types', () => {
  const types = ['public-event'];
  const answers = { kind: 'event' as const, attendance: 500 };
  it('goes from red to green as required fields are filled, with each block listed', () => {
    const sections = formSections(types, answers);
    expect(sections.map((s) => s.id)).toEqual(['common', 'public-event']);
    let draft: ProjectDraft = empty;
    const first = check(draft, types, answers, '2027-01-01');
    expect(first.light).toBe('red');
    expect(first.complete).toBe(false);
    const required = sections.flatMap((s) => s.fields.filter((f) => f.required).map((f) => [s.id, f] as const));
    // Every missing required field is named in the list of what blocks submission.
    for (const [section, f] of required) {
      const path = section === 'common' ? `common.${f.key}` : `sections.${section}.${f.key}`;
      expect(first.issues.some((i) => i.path === path && i.level === 'missing')).toBe(true);
    }
    for (const [section, f] of required) {
      const value = f.type === 'number' ? 500 : f.type === 'boolean' ? true : f.type === 'date' ? '2027-06-01' : 'x';
      draft = setValue(draft, section, f.key, value);
    }
    const filled = check(draft, types, answers, '2027-01-01');
    expect(filled.complete).toBe(true);
    expect(filled.light).not.toBe('red');
  });
  it('turns amber when a public event starts within the police lead time', () => {
    const sections = formSections(types, answers);
    let draft: ProjectDraft = empty;
    for (const s of sections)
      for (const f of s.fields.filter((x) => x.required)) {
        const value = f.type === 'number' ? 500 : f.type === 'boolean' ? true : f.type === 'date' ? '2027-01-05' : 'x';
        draft = setValue(draft, s.id, f.key, value);
      }
    const result = check(draft, types, answers, '2027-01-01');
    expect(result.light).toBe('amber');
    expect(result.issues.find((i) => i.path === 'common.startDate')?.level).toBe('warning');
  });
  it('is red for an absolute obstacle (fireworks in a Natura 2000 area) whatever is filled in', () => {
    const result = check(empty, ['fireworks'], { kind: 'event', fireworks: true, naturaArea: true }, '2027-01-01');
    expect(result.issues.some((i) => i.level === 'obstacle')).toBe(true);
    expect(result.perSection.fireworks).toBe('red');
  });
});

describe('autosave patch', () => {
  it('is null when nothing changed and holds only changed values and marks otherwise', () => {
    const saved: ProjectDraft = { common: { title: 'A', startDate: '2027-06-01' }, sections: { noise: { db: 80 } } };
    expect(patchBetween(saved, saved)).toBeNull();
    let current = setValue(saved, 'noise', 'db', 85);
    current = setValue(current, 'common', 'title', 'A');
    current = toggleSecret(current, 'sections.noise.db', true);
    expect(patchBetween(saved, current)).toEqual({
      sections: { noise: { db: 85 } },
      secret: { mark: ['sections.noise.db'] },
    });
    const cleared = setValue(saved, 'common', 'startDate', null);
    expect(patchBetween(saved, cleared)).toEqual({ common: { startDate: null } });
  });
  it('applying the patch to the saved draft always gives the current draft', () => {
    const value = fc.oneof(fc.string({ maxLength: 5 }), fc.integer(), fc.boolean(), fc.constant(null));
    const fields = fc.dictionary(fc.constantFrom('a', 'b', 'c'), value);
    const draft = fc.record({ common: fields, sections: fc.record({ noise: fields }) });
    fc.assert(
      fc.property(draft, draft, (saved, current) => {
        const patch = patchBetween(saved, current) ?? {};
        const merged = {
          common: { ...saved.common, ...patch.common },
          noise: { ...saved.sections.noise, ...patch.sections?.noise },
        };
        for (const [k, v] of Object.entries(current.common)) expect(merged.common[k] ?? null).toBe(v ?? null);
        for (const [k, v] of Object.entries(current.sections.noise)) expect(merged.noise[k] ?? null).toBe(v ?? null);
      }),
    );
  });
});

describe('norm forecast (F06)', () => {
  it('is the project steps plus the slowest permit, with the appeal period apart', () => {
    const noise = permitType('noise')!.norms;
    const food = permitType('food-sales')!.norms;
    const toDecision = (n: typeof noise) => n.processing + n.hearing + n.replies + n.draftReview + n.decision;
    const result = normForecastDays(['noise', 'food-sales'], false);
    const projectDays = 7 + 21 + 5;
    expect(result.toDecision).toBe(projectDays + Math.max(toDecision(noise), toDecision(food)));
    expect(result.toFinal).toBeGreaterThan(result.toDecision);
    expect(normForecastDays(['noise'], true).toDecision - normForecastDays(['noise'], false).toDecision).toBe(14);
  });
});

describe('Helsinki wall-clock times (ui/src/lib/time.ts)', () => {
  it('turns typed Helsinki times into UTC instants in winter and summer', () => {
    expect(helsinkiInstant('2027-01-15T18:30')).toBe('2027-01-15T16:30:00.000Z');
    expect(helsinkiInstant('2027-06-15T18:30')).toBe('2027-06-15T15:30:00.000Z');
    expect(endOfHelsinkiDay('2027-01-15')).toBe('2027-01-15T21:59:59.000Z');
    expect(endOfHelsinkiDay('2027-06-15')).toBe('2027-06-15T20:59:59.000Z');
  });
});
