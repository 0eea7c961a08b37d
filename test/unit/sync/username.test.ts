import { expect } from 'chai';
import { usernameBase } from '../../../src/sync/username.js';

describe('usernameBase', () => {
  it('joins given and family name in lower-case ASCII', () => {
    expect(usernameBase('Lotte', 'Janssens')).to.equal('lotte.janssens');
  });

  it('drops accents, spaces, apostrophes, hyphens and digits', () => {
    expect(usernameBase('Zoë-Anaïs', "D'Hondt Van den Broeck")).to.equal(
      'zoeanais.dhondtvandenbroeck',
    );
    expect(usernameBase('Jan2', 'Peeters')).to.equal('jan.peeters');
  });

  it('falls back when a name has no Latin letters at all', () => {
    expect(usernameBase('李', 'Ω')).to.equal('leerling.x');
  });

  it('never contains the INSZ, even when a name field holds digits only', () => {
    expect(usernameBase('85073003328', 'Peeters')).to.equal('leerling.peeters');
  });
});
