import fc from 'fast-check';
import { assertWellFormedText, illFormedTextPath } from '../../api/text-input';
import { AppError } from '../../api/errors';

describe('text that is not valid Unicode', () => {
  it('names the path of the first string or key holding a lone surrogate', () => {
    expect(illFormedTextPath({ a: 'ok', b: ['fine', { c: 'x\uD800' }] })).toBe('b.1.c');
    expect(illFormedTextPath('\uDC00')).toBe('body');
    expect(illFormedTextPath({ nested: { ['k\uD83D']: 1 } })).toBe('nested');
    expect(illFormedTextPath({ q: 'x\uDFFF' }, ['query'])).toBe('query.q');
  });

  it('lets every well-formed value through, emoji and Finnish letters included', () => {
    expect(illFormedTextPath({ name: 'Äänekoski 😀', list: ['å', 1, null, true] })).toBeNull();
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 3 }), fc.string({ unit: 'grapheme' }), (value, text) => {
        expect(illFormedTextPath({ value, text })).toBeNull();
      }),
    );
  });

  it('finds a lone surrogate wherever it is put', () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), fc.integer({ min: 0xd800, max: 0xdfff }), (before, after, unit) => {
        const text = before + String.fromCharCode(unit) + after;
        expect(illFormedTextPath({ field: text })).toBe('field');
      }),
    );
  });

  it('is refused as a 400 naming the field', () => {
    let thrown: unknown;
    try {
      assertWellFormedText({ supervisor: { name: 'Ville\uD800' } });
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(AppError);
    expect(thrown).toMatchObject({ code: 'VALIDATION', details: { field: 'supervisor.name' } });
  });
});
