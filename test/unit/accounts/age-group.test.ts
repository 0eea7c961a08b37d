/** Policy by age group: pictures, school-managed passwords, self-management from 13. */
import { expect } from 'chai';
import { ageGroupOf, POLICIES } from '../../../src/accounts/age-group.js';

const TODAY = '2026-10-15';

describe('age groups', function () {
  it('puts a 4-year-old in nursery education in the picture group', function () {
    const group = ageGroupOf({ birthDate: '2022-03-01', currentKinds: ['kleuter'], today: TODAY });
    expect(group).to.equal('nursery');
    expect(POLICIES[group]).to.include({ initialCredential: 'picture', pictureLogin: true });
  });

  it('treats special nursery education like nursery education', function () {
    const kinds = ['buitengewoon-kleuter'];
    expect(ageGroupOf({ birthDate: '2021-01-01', currentKinds: kinds, today: TODAY })).to.equal(
      'nursery',
    );
  });

  it('gives primary pupils generated school-managed passwords, no pictures', function () {
    const group = ageGroupOf({ birthDate: '2018-01-01', currentKinds: ['lager'], today: TODAY });
    expect(group).to.equal('primary');
    expect(POLICIES[group]).to.deep.equal({
      initialCredential: 'generated-password',
      pictureLogin: false,
      mayTakeOver: false,
    });
  });

  it('keeps a 12-year-old in secondary school on the school-managed policy', function () {
    const kinds = ['secundair'];
    expect(ageGroupOf({ birthDate: '2014-01-10', currentKinds: kinds, today: TODAY })).to.equal(
      'primary',
    );
  });

  it('lets a pupil take over from the 13th birthday on, not the day before', function () {
    const kinds = ['secundair'];
    expect(ageGroupOf({ birthDate: '2013-10-16', currentKinds: kinds, today: TODAY })).to.equal(
      'primary',
    );
    const group = ageGroupOf({ birthDate: '2013-10-15', currentKinds: kinds, today: TODAY });
    expect(group).to.equal('teen');
    expect(POLICIES[group].mayTakeOver).to.equal(true);
  });

  it('does not give a picture to a child enrolled in both nursery and primary', function () {
    const kinds = ['kleuter', 'lager'];
    expect(ageGroupOf({ birthDate: '2020-05-01', currentKinds: kinds, today: TODAY })).to.equal(
      'primary',
    );
  });
});
