/** The shared mapping step: ordered rules, exact single values, ambiguity refused. */
import { expect } from 'chai';
import type { MappingRule } from '../../../src/config/upstream.js';
import { adminInstitutions } from '../../../src/upstream/admin-roles.js';
import type { UpstreamIdentity } from '../../../src/upstream/connector.js';
import { matchPupil, type PupilLookup } from '../../../src/upstream/mapping.js';
import { schoolAdminOf } from '../../../src/upstream/session.js';

const UUID_A = '6f1c2a3b-4d5e-4f60-8a7b-9c0d1e2f3a4b';
const UUID_B = '0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d';
const INSZ_B = '12050400101';

const lookup: PupilLookup = {
  findIdByUuid: async (uuid) => (uuid === UUID_A ? UUID_A : undefined),
  findIdsByInsz: async (insz) => {
    if (insz === INSZ_B) return [UUID_B];
    if (insz === '11020304542') return [UUID_A, UUID_B];
    return [];
  },
  findIdByUsername: async (username) => (username === 'milan.wouters' ? UUID_B : undefined),
};

const RULES: MappingRule[] = [
  { by: 'uuid', attribute: 'leerid_uuid' },
  { by: 'insz', attribute: 'rrn' },
  { by: 'username', attribute: 'uid' },
];

function identity(attributes: Record<string, string[]>): UpstreamIdentity {
  return { connectorId: 'saml', subject: 'someone', attributes };
}

describe('upstream mapping rules', function () {
  it('takes the first rule that finds a pupil', async function () {
    const match = await matchPupil(
      identity({ leerid_uuid: [UUID_A], rrn: [INSZ_B] }),
      RULES,
      lookup,
    );
    expect(match).to.deep.equal({ pupilId: UUID_A, rule: 'uuid' });
  });

  it('passes to the next rule when an attribute finds nobody', async function () {
    const unknownUuid = '11111111-2222-4333-8444-555555555555';
    const match = await matchPupil(
      identity({ leerid_uuid: [unknownUuid], rrn: [INSZ_B] }),
      RULES,
      lookup,
    );
    expect(match).to.deep.equal({ pupilId: UUID_B, rule: 'insz' });
  });

  it('follows the configured order, not a fixed one', async function () {
    const reversed = [...RULES].reverse();
    const match = await matchPupil(
      identity({ leerid_uuid: [UUID_A], uid: ['Milan.Wouters'] }),
      reversed,
      lookup,
    );
    expect(match).to.deep.equal({ pupilId: UUID_B, rule: 'username' });
  });

  it('reads the printed INSZ form and refuses wrong check digits', async function () {
    expect(await matchPupil(identity({ rrn: ['12.05.04-001.01'] }), RULES, lookup)).to.deep.equal({
      pupilId: UUID_B,
      rule: 'insz',
    });
    expect(await matchPupil(identity({ rrn: ['12050400102'] }), RULES, lookup)).to.equal(undefined);
  });

  it('never uses an attribute with several values, or an INSZ two pupils share', async function () {
    expect(await matchPupil(identity({ leerid_uuid: [UUID_A, UUID_B] }), RULES, lookup)).to.equal(
      undefined,
    );
    expect(await matchPupil(identity({ rrn: ['11020304542'] }), RULES, lookup)).to.equal(undefined);
  });

  it('ignores values that are not UUIDs for the uuid rule', async function () {
    expect(await matchPupil(identity({ leerid_uuid: ["' or 1=1 --"] }), RULES, lookup)).to.equal(
      undefined,
    );
  });
});

describe('administrator role attribute', function () {
  const role = { attribute: 'rol', prefix: 'LeerIDBeheerder:' };

  it('grants the schools named after the prefix, once each, sorted', function () {
    const person = identity({
      rol: [
        'LeerIDBeheerder:000202',
        'AndereToepassing:000101',
        'LeerIDBeheerder:000101',
        'LeerIDBeheerder:000202',
      ],
    });
    expect(adminInstitutions(person, role)).to.deep.equal(['000101', '000202']);
  });

  it('ignores malformed institution numbers and other attributes', function () {
    const person = identity({
      rol: ['LeerIDBeheerder:', 'LeerIDBeheerder:00 01', 'leeridbeheerder:000101'],
      other: ['LeerIDBeheerder:000303'],
    });
    expect(adminInstitutions(person, role)).to.deep.equal([]);
  });
});

describe('administrator from the upstream session', function () {
  it('is the SchoolAdmin the account services check, or nobody without a role', function () {
    const session = {
      connectorId: 'saml',
      subject: 'persistent-42',
      adminInstitutions: ['000101'],
      createdAt: 0,
    };
    expect(schoolAdminOf(session)).to.deep.equal({
      adminId: 'saml:persistent-42',
      institutions: ['000101'],
    });
    expect(schoolAdminOf({ ...session, adminInstitutions: [] })).to.equal(undefined);
    expect(schoolAdminOf(undefined)).to.equal(undefined);
  });
});
