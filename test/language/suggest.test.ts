import { describe, expect, it } from 'vitest';
import { editDistance, suggest } from '../../src/language/suggest.js';

const blocks = ['data', 'parameters', 'model', 'generated'];
const distributions = ['Normal', 'HalfNormal', 'Poisson', 'NegBinomial', 'Beta', 'Gamma'];

describe('suggest', () => {
  it('finds a close misspelling', () => {
    expect(suggest('modle', blocks)).toBe('model');
    expect(suggest('paramters', blocks)).toBe('parameters');
    expect(suggest('generate', blocks)).toBe('generated');
    expect(suggest('Poison', distributions)).toBe('Poisson');
  });

  it('counts a swap of neighbours as one edit', () => {
    expect(editDistance('modle', 'model')).toBe(1);
    expect(suggest('Poisosn', distributions)).toBe('Poisson');
  });

  it('prefers a case-insensitive match to any other', () => {
    expect(suggest('normal', distributions)).toBe('Normal');
    expect(suggest('HALFNORMAL', distributions)).toBe('HalfNormal');
  });

  it('suggests nothing for an exact match or a distant word', () => {
    expect(suggest('Normal', distributions)).toBeUndefined();
    expect(suggest('Weibull', distributions)).toBeUndefined();
    expect(suggest('x', blocks)).toBeUndefined();
  });

  it('allows max(1, floor(length / 3)) edits', () => {
    expect(suggest('Bta', distributions)).toBe('Beta'); // 3 letters: 1 edit
    expect(suggest('Bt', distributions)).toBeUndefined(); // 2 edits from Beta
    expect(suggest('NegBinoml', distributions)).toBe('NegBinomial'); // 9 letters: 3 edits allowed, 2 used
    expect(suggest('NgBnml', distributions)).toBeUndefined(); // 5 edits
  });

  it('breaks ties by the order of the candidates', () => {
    expect(suggest('Gamm', ['Gamma', 'Gammb'])).toBe('Gamma');
    expect(suggest('Gamm', ['Gammb', 'Gamma'])).toBe('Gammb');
  });
});
