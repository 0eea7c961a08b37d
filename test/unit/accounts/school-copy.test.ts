/** The school-visible copy: AES-256-GCM, bound to one pupil and one key. */
import { randomBytes } from 'node:crypto';
import { expect } from 'chai';
import { copyKeyFrom, decryptCopy, encryptCopy } from '../../../src/accounts/school-copy.js';

describe('school copy of a generated password', function () {
  const key = copyKeyFrom(randomBytes(32));

  it('decrypts for the same pupil under the same key', function () {
    const copy = encryptCopy(key, 'pupil-1', 'boomvis47');
    expect(copy).to.match(/^v1\./);
    expect(copy).not.to.contain('boomvis47');
    expect(decryptCopy(key, 'pupil-1', copy)).to.equal('boomvis47');
  });

  it('does not decrypt when moved to another pupil', function () {
    const copy = encryptCopy(key, 'pupil-1', 'boomvis47');
    expect(decryptCopy(key, 'pupil-2', copy)).to.equal(undefined);
  });

  it('does not decrypt under another key, nor when tampered with', function () {
    const copy = encryptCopy(key, 'pupil-1', 'boomvis47');
    expect(decryptCopy(copyKeyFrom(randomBytes(32)), 'pupil-1', copy)).to.equal(undefined);
    const parts = copy.split('.');
    parts[4] = Buffer.from('boomvis48').toString('base64url');
    expect(decryptCopy(key, 'pupil-1', parts.join('.'))).to.equal(undefined);
  });

  it('uses a fresh IV each time', function () {
    expect(encryptCopy(key, 'p', 'x')).not.to.equal(encryptCopy(key, 'p', 'x'));
  });
});
