/**
 * The LeerID dump format: the columns of one enrolment row and the closed
 * list of kinds of education. docs/dump-format.md describes both.
 */

export const DUMP_COLUMNS = [
  'discimus_id',
  'insz',
  'family_name',
  'given_name',
  'gender',
  'birth_date',
  'institution_number',
  'institution_name',
  'location_number',
  'stamnummer',
  'kind_of_education',
  'administrative_group',
  'enrolment_date',
  'start_date',
  'end_date',
] as const;

export type DumpColumn = (typeof DUMP_COLUMNS)[number];

/** Columns a header may leave out; every other one is required. */
export const OPTIONAL_COLUMNS: ReadonlySet<DumpColumn> = new Set(['institution_name']);

export const KINDS_OF_EDUCATION = [
  'kleuter',
  'lager',
  'secundair',
  'buitengewoon-kleuter',
  'buitengewoon-lager',
  'buitengewoon-secundair',
  'okan',
  'deeltijds-beroepssecundair',
] as const;

export type KindOfEducation = (typeof KINDS_OF_EDUCATION)[number];

export const GENDERS = ['M', 'V', 'X'] as const;
