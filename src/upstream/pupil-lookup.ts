/** The look-ups of the mapping rules over LeerID's store: active accounts only. */
import type { Services } from '../services.js';
import type { PupilLookup } from './mapping.js';

export function createPupilLookup(services: Services): PupilLookup {
  const isActive = async (pupilId: string) =>
    (await services.accounts.findByPupilId(pupilId))?.status === 'active';

  return {
    async findIdByUuid(uuid) {
      const pupil = await services.pupils.findById(uuid);
      return pupil && (await isActive(pupil.id)) ? pupil.id : undefined;
    },

    async findIdsByInsz(insz) {
      const ids = await services.pupils.findIdsByInsz(insz);
      const active = await Promise.all(ids.map(isActive));
      return ids.filter((_, index) => active[index]);
    },

    async findIdByUsername(username) {
      const account = await services.accounts.findByUsername(username);
      return account?.status === 'active' ? account.pupilId : undefined;
    },
  };
}
