/** The configurable username scheme. */
import { expect } from 'chai';
import { numberedUsername, usernameBase } from '../../../src/accounts/usernames.js';

describe('username scheme', function () {
  it('makes given.family in plain lower-case ASCII by default', function () {
    expect(usernameBase('Zoë', 'Van den Broeck')).to.equal('zoe.vandenbroeck');
  });

  it('offers given.f and givenfamily', function () {
    expect(usernameBase('Zoë', 'Van den Broeck', 'given.f')).to.equal('zoe.v');
    expect(usernameBase('Zoë', 'Van den Broeck', 'givenfamily')).to.equal('zoevandenbroeck');
  });

  it('never holds digits, so a number added to a taken base is unambiguous', function () {
    expect(usernameBase('Jan2', '85010112345')).to.equal('jan.x');
    expect(numberedUsername('jan.peeters', 1)).to.equal('jan.peeters');
    expect(numberedUsername('jan.peeters', 3)).to.equal('jan.peeters3');
  });
});
