/**
 * Typed errors with stable codes. Every failure LeerID reports on purpose is a
 * LeerIdError whose `code` is one of ERROR_CODES; docs/errors.md lists them all.
 * `message` is safe to show to the person who caused it; `detail` is for logs.
 */
export const ERROR_CODES = {
  'config.invalid': 'the configuration file or environment is invalid',
  'clients.invalid': 'the client registrations file is invalid',
  'dump.unreadable': 'the dump file cannot be read (missing, truncated, not gzip)',
  'dump.header': 'the dump header lacks a required column',
  'dump.encoding': 'the dump is not valid UTF-8',
  'dump.empty': 'the dump holds no enrolment rows',
  'dump.truncated': 'the dump ends early (gzip stream cut short, last line not ended)',
  'dump.malformed': 'the dump is not well-formed CSV (e.g. a quote never closed)',
  'dump.row_invalid': 'one or more dump rows are invalid',
  'dump.mapping': 'the column mapping file is invalid',
  'sync.locked': 'another sync run holds the lock',
  'sync.implausible': 'the dump would end or drop an implausible share of data',
  'sync.failed': 'the sync stopped on an unexpected error (a bug or an outage)',
  'sync.no_dump': 'no complete dump in the directory given with --from',
  'sync.usage': 'the sync command was called with wrong arguments',
  'login.no_current_enrolment': 'the pupil has no current enrolment',
  'login.platform_not_linked': "none of the pupil's schools uses this platform",
  'account.forbidden': 'the administrator has no school where the pupil is currently enrolled',
  'account.self_managed': 'the pupil manages this account; the school cannot see or set it',
  'account.school_managed': 'the school manages this account; the pupil asks its administrator',
  'account.too_young': 'the pupil is under 13 and cannot take over the account',
  'account.no_password_copy': 'no school-visible password (none generated, or the pupil chose one)',
  'account.no_picture': 'the account has no picture login',
  'account.password_rejected': 'the chosen password is too short, too long or too common',
  'account.email_invalid': 'the e-mail address is not valid',
  'account.link_invalid': 'the link is malformed, forged or meant for something else',
  'account.link_expired': 'the link has expired',
  'account.link_used': 'the link has already been used',
  'account.wrong_credentials': 'the username and password do not match',
  'account.locked': 'too many failed attempts; try again later',
  'account.class_code_invalid': 'the class code is unknown, revoked or expired',
  'account.asset_missing': 'a bundled list (assets/accounts) is missing or empty: a broken install',
  'mail.failed': 'the e-mail could not be sent',
  'admin.not_signed_in': 'the admin console needs an administrator session',
  'admin.not_admin': 'the person who signed in administers no school',
  'admin.csrf': 'a console form came without a valid CSRF token or from another origin',
  'admin.bad_request': 'a console request has a malformed or missing parameter',
  'purge.usage': 'the purge command was called with wrong arguments',
  'store.unavailable': 'the database is unreachable',
  'redis.unavailable': 'Redis is unreachable',
  'config.secret_in_file': 'the config file holds a secret; secrets come from env or files',
  'keys.invalid': 'the signing or cookie keys cannot be read or are not usable',
  'keys.usage': 'the keys command was called with wrong arguments',
  'keys.missing': 'a key file is not there; a named one is never made silently (leerid keys init)',
  'keys.not_writable': 'a key file cannot be written: keys from the environment, or a bad path',
  'upstream.config': 'the upstream login configuration (keys, certificates) cannot be used',
  'upstream.metadata': 'the identity provider metadata is missing, unreadable or invalid',
  'upstream.xml_forbidden': 'the SAML message holds a DOCTYPE, entity or processing instruction',
  'upstream.xml_malformed': 'the SAML message is not well-formed XML or not a SAML Response',
  'upstream.wrapping': 'the SAML response has extra assertions or duplicate IDs (wrapping)',
  'upstream.unsigned': 'neither the SAML response nor its assertion is signed',
  'upstream.signature_invalid': 'the SAML signature does not verify with a trusted certificate',
  'upstream.decryption': 'the encrypted assertion cannot be decrypted',
  'upstream.status': 'the identity provider answered with an error status',
  'upstream.issuer': 'the assertion was issued by another identity provider',
  'upstream.audience': 'the assertion is meant for another service provider',
  'upstream.destination': 'the SAML response was sent to another endpoint',
  'upstream.recipient': 'the bearer confirmation names another endpoint or is missing',
  'upstream.expired': 'the assertion or its confirmation has expired',
  'upstream.not_yet_valid': 'the assertion is not yet valid',
  'upstream.replayed': 'the assertion id was already used',
  'upstream.in_response_to': 'the response answers no open request (unknown, reused, expired)',
  'upstream.state': 'the upstream callback carries an unknown or expired state',
  'upstream.oidc_failed': "the upstream OpenID Connect provider's answer failed validation",
  'upstream.no_match': 'the upstream identity matches no LeerID pupil',
  'upstream.logout': 'the upstream logout answer failed validation',
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;

interface ErrorOptions {
  status?: number;
  detail?: string;
  cause?: unknown;
}

export class LeerIdError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly detail: string | undefined;

  constructor(code: ErrorCode, message: string, options: ErrorOptions = {}) {
    super(message, { cause: options.cause });
    this.name = 'LeerIdError';
    this.code = code;
    this.status = options.status ?? 400;
    this.detail = options.detail;
  }
}

/** One-line guard: throws a LeerIdError with `code` unless `condition` holds. */
export function assertThat(
  condition: unknown,
  code: ErrorCode,
  message: string,
  options?: ErrorOptions,
): asserts condition {
  if (!condition) throw new LeerIdError(code, message, options);
}
