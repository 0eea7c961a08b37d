/** Generated passwords children can type; chosen passwords under NIST SP 800-63B. */
import { expect } from 'chai';
import {
  generatePassword,
  GENERATED_PASSWORD_PATTERN,
} from '../../../src/accounts/generated-passwords.js';
import { checkChosenPassword } from '../../../src/accounts/password-policy.js';
import { commonPasswords, dutchWords } from '../../../src/accounts/word-lists.js';

describe('generated passwords', function () {
  it('are two short Dutch words from the bundled list and two digits without 0 or 1', function () {
    const words = new Set(dutchWords());
    for (let i = 0; i < 200; i += 1) {
      const password = generatePassword();
      expect(password).to.match(GENERATED_PASSWORD_PATTERN);
      const letters = password.slice(0, -2);
      const split = [...Array(letters.length).keys()].some(
        (at) => words.has(letters.slice(0, at)) && words.has(letters.slice(at)),
      );
      expect(split, password).to.equal(true);
      expect(password.slice(-2)).to.match(/^[2-9]{2}$/);
    }
  });

  it('ship a word list of some hundreds of plain lower-case words', function () {
    const words = dutchWords();
    expect(words.length).to.be.greaterThan(250);
    for (const word of words) expect(word).to.match(/^[a-z]{3,5}$/);
  });

  it('differ from one call to the next', function () {
    const seen = new Set(Array.from({ length: 50 }, () => generatePassword()));
    expect(seen.size).to.be.greaterThan(45);
  });
});

describe('chosen passwords', function () {
  it('rejects fewer than 8 characters, counting an emoji as one', function () {
    expect(checkChosenPassword('kort123')).to.equal('too_short');
    expect(checkChosenPassword('🐶🐶🐶🐶🐶🐶🐶')).to.equal('too_short');
    expect(checkChosenPassword('🐶🐶🐶🐶🐶🐶🐶🐶')).to.equal(undefined);
  });

  it('rejects passwords on the bundled common and breached list, in any case', function () {
    expect(checkChosenPassword('password123')).to.equal('common');
    expect(checkChosenPassword('Wachtwoord123')).to.equal('common');
    expect(checkChosenPassword('QWERTYUIOP')).to.equal('common');
    expect(commonPasswords().size).to.be.greaterThan(10_000);
  });

  it('allows a long lower-case phrase: no composition rules', function () {
    expect(checkChosenPassword('mijn fiets is blauw')).to.equal(undefined);
    expect(checkChosenPassword('zonderhoofdletters')).to.equal(undefined);
  });

  it('rejects a password that contains the username', function () {
    expect(checkChosenPassword('sam.peeters2026', { username: 'sam.peeters' })).to.equal(
      'username',
    );
  });

  it('rejects a repeat that differs, and more than 128 characters', function () {
    expect(checkChosenPassword('lange zin hier', { repeat: 'lange zin daar' })).to.equal(
      'mismatch',
    );
    expect(checkChosenPassword('x'.repeat(129))).to.equal('too_long');
  });
});
