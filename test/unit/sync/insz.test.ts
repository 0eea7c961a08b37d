import { expect } from 'chai';
import { inszCheckDigits, isValidInsz, normaliseInsz } from '../../../src/sync/insz.js';

describe('INSZ check digits', () => {
  it('accepts a number born before 2000 (97 - n mod 97)', () => {
    expect(inszCheckDigits('850730033', false)).to.equal('28');
    expect(isValidInsz('85073003328')).to.equal(true);
  });

  it('accepts a number born from 2000 on (computed over 2 + the first nine digits)', () => {
    expect(inszCheckDigits('110711162', true)).to.equal('11');
    expect(isValidInsz('11071116211')).to.equal(true);
    // The pre-2000 rule gives other digits for the same nine.
    expect(inszCheckDigits('110711162', false)).to.not.equal('11');
  });

  it('rejects wrong check digits, wrong lengths and letters', () => {
    expect(isValidInsz('85073003329')).to.equal(false);
    expect(isValidInsz('8507300332')).to.equal(false);
    expect(isValidInsz('8507300332A')).to.equal(false);
  });

  it('strips the dots, dash and spaces of the printed form', () => {
    expect(normaliseInsz('85.07.30-033.28')).to.equal('85073003328');
  });
});
