/**
 * The solution store's anonymiser (domain/knowledge-anonymise.ts): Finnish examples of every
 * kind of identifier, and a property over generated cases: no seeded identifier survives, in
 * any of the forms a Finnish decision uses it.
 */
import fc from 'fast-check';
import { anonymise, PLACEHOLDERS } from '../../domain/knowledge-anonymise';

describe('anonymise: Finnish examples', () => {
  const known = {
    people: ['Olli Oksanen', 'Maija Mäkinen'],
    organisationName: 'Tammerfest ry',
    businessId: '2345678-9',
    projectTitle: 'Rantarock 2027',
    addresses: ['Laukontori 1, 33200 Tampere'],
  };

  it.each([
    ['Vastuuhenkilö Olli Oksanen vastaa järjestyksestä.', 'Vastuuhenkilö [henkilö] vastaa järjestyksestä.'],
    ['Päätös annetaan Oksaselle ja Maija Mäkiselle.', 'Päätös annetaan [henkilö] ja [henkilö].'],
    ['Hakija: Tammerfest ry:n hallitus', 'Hakija: [organisaatio] hallitus'],
    ['Y-tunnus 2345678-9, toinen 1234567-8.', 'Y-tunnus [y-tunnus], toinen [y-tunnus].'],
    ['Henkilötunnus 010190-123A ja 311299A999J.', 'Henkilötunnus [henkilötunnus] ja [henkilötunnus].'],
    ['Yhteys: olli.organiser@tammerfest.example', 'Yhteys: [sähköposti]'],
    ['Puh. 040 123 4567 tai +358 40 765 4321 tai 03-565 6000.', 'Puh. [puhelin] tai [puhelin] tai [puhelin].'],
    ['Paikka: Hämeenkatu 10 B 4, Tampere.', 'Paikka: [osoite], Tampere.'],
    ['Kokoontuminen Kalevan puistotie 12:n pihalla.', 'Kokoontuminen [osoite]:n pihalla.'],
    ['Tapahtumapaikka Laukontori 1, 33200 Tampere.', 'Tapahtumapaikka [osoite].'],
    ['Rantarock 2027 päättyy klo 23.', '[hanke] päättyy klo 23.'],
  ])('%s', (text, expected) => {
    expect(anonymise(text, known, 'fi')).toBe(expected);
  });

  it('leaves ordinary words alone: a surname that is a word is removed only as a name', () => {
    const text = 'Poliisi antoi määräyksen. Lupa koskee poliisin valvontaa ja mäkistä maastoa.';
    expect(anonymise(text, { people: ['Pekka Poliisi', 'Mäki Mäkinen'] })).toBe(
      '[henkilö] antoi määräyksen. Lupa koskee poliisin valvontaa ja mäkistä maastoa.',
    );
  });

  it('uses the placeholders of the summary language', () => {
    expect(anonymise('Olli Oksanen, 040 123 4567', { people: ['Olli Oksanen'] }, 'en')).toBe('[person], [phone]');
  });

  it('keeps dates, times, amounts and decibels', () => {
    const text = 'Äänentoisto päättyy 12.6.2027 klo 23.00, enintään 85 dB, 4 000 kävijää, maksu 120 €.';
    expect(anonymise(text)).toBe(text);
  });
});

const FIRST = ['Olli', 'Maija', 'Aino', 'Pekka', 'Kaisa', 'Juhani', 'Sanna', 'Ville', 'Riikka', 'Eero'];
const SURNAMES = ['Oksanen', 'Mäkinen', 'Virtanen', 'Korhonen', 'Nieminen', 'Laine', 'Heikkilä', 'Salo', 'Koskela'];
const STREETS = [
  'Hämeenkatu',
  'Itsenäisyydenkatu',
  'Pyynikintie',
  'Satakunnankatu',
  'Kalevan puistotie',
  'Näsilinnankatu',
];
const ORG_WORDS = ['Tammerfest', 'Pirkanmaan Elintarvike', 'Lakeside Events', 'Kulttuuriyhdistys Kaiku'];
const FORMS = ['Oy', 'ry', 'Oyj', 'Ky'];

/** A genitive as a decision writes it: Oksanen → Oksasen, Laine → Laineen, Olli → Ollin. */
function genitive(name: string): string {
  if (name.endsWith('nen')) return `${name.slice(0, -3)}sen`;
  if (name.endsWith('e')) return `${name}en`;
  return `${name}n`;
}

const digits = (n: number) =>
  fc.array(fc.integer({ min: 0, max: 9 }), { minLength: n, maxLength: n }).map((d) => d.join(''));

const caseArb = fc.record({
  first: fc.constantFrom(...FIRST),
  surname: fc.constantFrom(...SURNAMES),
  org: fc.tuple(fc.constantFrom(...ORG_WORDS), fc.constantFrom(...FORMS)).map(([w, f]) => `${w} ${f}`),
  businessId: fc.tuple(digits(7), digits(1)).map(([a, b]) => `${a}-${b}`),
  personalId: fc
    .record({
      day: fc.integer({ min: 1, max: 28 }),
      month: fc.integer({ min: 1, max: 12 }),
      year: fc.integer({ min: 0, max: 99 }),
      sign: fc.constantFrom('-', '+', 'A', 'B', 'Y'),
      n: digits(3),
      check: fc.constantFrom(...'0123456789ABCDEFHJKLMNPRSTUVWXY'),
    })
    .map(
      (p) =>
        `${String(p.day).padStart(2, '0')}${String(p.month).padStart(2, '0')}${String(p.year).padStart(2, '0')}${p.sign}${p.n}${p.check}`,
    ),
  email: fc
    .tuple(fc.constantFrom('olli', 'info', 'maija.m', 'tapahtumat'), fc.constantFrom('example.fi', 'yhdistys.example'))
    .map(([u, d]) => `${u}@${d}`),
  phone: fc.oneof(
    fc.tuple(fc.constantFrom('040', '050', '044', '045'), digits(3), digits(4)).map(([a, b, c]) => `${a} ${b} ${c}`),
    fc.tuple(fc.constantFrom('40', '50'), digits(3), digits(4)).map(([a, b, c]) => `+358 ${a} ${b} ${c}`),
    fc.tuple(digits(3), digits(4)).map(([b, c]) => `03-${b} ${c}`),
  ),
  street: fc.tuple(fc.constantFrom(...STREETS), fc.integer({ min: 1, max: 250 })).map(([s, n]) => `${s} ${n}`),
  title: fc
    .tuple(fc.constantFrom('Kesäjuhlat', 'Rantarock', 'Talvitori', 'Valoviikot'), fc.integer({ min: 2025, max: 2030 }))
    .map(([t, y]) => `${t} ${y}`),
});

describe('anonymise: property', () => {
  it('no seeded identifier survives, however the decision writes it', () => {
    fc.assert(
      fc.property(caseArb, (c) => {
        const person = `${c.first} ${c.surname}`;
        const text =
          `Päätös: ${c.title}. Hakija ${c.org} (y-tunnus ${c.businessId}). Vastuuhenkilö ${person}, ` +
          `henkilötunnus ${c.personalId}, puh. ${c.phone}, ${c.email}. Tapahtumapaikka ${c.street}. ` +
          `Päätös annetaan tiedoksi ${genitive(c.first)} ${genitive(c.surname)} kautta; ${c.surname.toUpperCase()} allekirjoitti. ` +
          `${c.org}:n on ilmoitettava muutoksista.`;
        const out = anonymise(text, {
          people: [person],
          organisationName: c.org,
          businessId: c.businessId,
          projectTitle: c.title,
        });
        const survivors = [
          c.first,
          c.surname,
          genitive(c.first),
          genitive(c.surname),
          c.org,
          c.businessId,
          c.personalId,
          c.phone,
          c.email,
          c.street,
          ...c.street.split(' ').filter((w) => /^\p{Lu}/u.test(w)),
          c.title,
        ].filter((id) => out.toLowerCase().includes(id.toLowerCase()));
        expect(survivors).toEqual([]);
        // What the case says apart from its identifiers stays readable.
        expect(out).toContain('Päätös annetaan tiedoksi');
        expect(out).toContain(PLACEHOLDERS.fi.person);
      }),
      { numRuns: 300 },
    );
  });
});
