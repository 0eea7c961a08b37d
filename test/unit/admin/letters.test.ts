/** Login letters and picture cards as PDF: pages, fonts for every name, metadata. */
import { expect } from 'chai';
import { PDFDocument } from 'pdf-lib';
import type { Credential } from '../../../src/accounts/admin-service.js';
import { pictureById, type Picture } from '../../../src/accounts/pictures.js';
import { renderLoginLetters, renderPictureCards } from '../../../src/admin/letters.js';
import { MESSAGES } from '../../../src/admin/messages/index.js';

const OPTIONS = {
  t: MESSAGES.nl,
  loginAddress: 'https://leerid.example',
  schoolName: '000101 Testschool',
};
const fox = pictureById('fox') as Picture;

const credentials: Credential[] = [
  {
    pupilId: '1',
    username: 'ayse.yilmaz',
    givenName: 'Ayşe',
    familyName: 'Yılmaz',
    password: 'boomvis47',
  },
  { pupilId: '2', username: 'lukasz.z', givenName: 'Łukasz', familyName: 'Żółć', picture: fox },
  { pupilId: '3', username: 'an.nguyen', givenName: 'An', familyName: 'Nguyễn' },
];

describe('login letters and picture cards (PDF)', function () {
  it('prints one page per pupil, whatever the alphabet of the name', async () => {
    const pdf = await PDFDocument.load(await renderLoginLetters(credentials, OPTIONS));
    expect(pdf.getPageCount()).to.equal(3);
    expect(pdf.getTitle()).to.equal('Je LeerID-aanmelding');
  });

  it('embeds the text font instead of a Latin-1 standard font', async () => {
    const bytes = await renderLoginLetters(credentials.slice(0, 1), OPTIONS);
    const raw = bytes.toString('latin1');
    expect(raw).to.match(/DejaVuSans/);
    expect(raw).not.to.match(/\/BaseFont \/Helvetica/);
  });

  it('prints the class page first, then a card for each child with a picture', async () => {
    const classCode = {
      code: 'ABCD2345',
      url: 'https://leerid.example/klas/ABCD2345',
      qrSvg: '',
      expiresAt: Date.UTC(2027, 5, 30),
    };
    const bytes = await renderPictureCards('K2', classCode, credentials, {
      ...OPTIONS,
      validUntil: '2027-06-30',
    });
    expect((await PDFDocument.load(bytes)).getPageCount()).to.equal(1 + 1);
  });
});
