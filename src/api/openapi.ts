/**
 * The OpenAPI 3.1 description of the pupil API. It is the contract: every
 * request is validated against it before a handler runs, and in tests every
 * response is validated against it too.
 */
const problem = {
  description: 'An RFC 9457 problem',
  content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } },
};

const errors = {
  '400': problem,
  '401': problem,
  '403': problem,
  '429': problem,
};

const pupilId = {
  name: 'id',
  in: 'path',
  required: true,
  description: 'The LeerID UUID',
  schema: { type: 'string', format: 'uuid' },
};

const json = (ref: string) => ({
  content: { 'application/json': { schema: { $ref: `#/components/schemas/${ref}` } } },
});

const scope = (name: string) => [{ clientCredentials: [name] }];

export const OPENAPI_DOCUMENT = {
  openapi: '3.1.0',
  info: {
    title: 'LeerID pupil API',
    version: '1.0.0',
    description:
      'For ACM and other systems with a protocol. Callers authenticate with OAuth 2.0 ' +
      'client credentials and private_key_jwt at the token endpoint, then send the access ' +
      'token as a Bearer token. What a caller sees follows the claim rules: only schools ' +
      'linked to it, INSZ only with a legal basis and scope insz, never gender or birth date.',
  },
  servers: [{ url: '/api/v1' }],
  paths: {
    '/pupils/{id}': {
      get: {
        operationId: 'getPupil',
        summary: 'One pupil by LeerID UUID',
        security: scope('pupils:read'),
        parameters: [pupilId],
        responses: {
          '200': { description: 'The pupil', ...json('Pupil') },
          '404': problem,
          ...errors,
        },
      },
    },
    '/pupils': {
      get: {
        operationId: 'findPupils',
        summary: 'Pupils by username (zero or one)',
        security: scope('pupils:read'),
        parameters: [
          {
            name: 'username',
            in: 'query',
            required: true,
            schema: { type: 'string', minLength: 1, maxLength: 120 },
          },
        ],
        responses: { '200': { description: 'Matches', ...json('PupilList') }, ...errors },
      },
    },
    '/pupils/{id}/enrolments': {
      get: {
        operationId: 'listPupilEnrolments',
        summary: "A pupil's current enrolments in schools linked to the caller",
        security: scope('pupils:read'),
        parameters: [pupilId],
        responses: {
          '200': { description: 'Current enrolments', ...json('EnrolmentList') },
          '404': problem,
          ...errors,
        },
      },
    },
    '/credentials/verify': {
      post: {
        operationId: 'verifyCredentials',
        summary: 'Check a LeerID username and password on behalf of the caller',
        description:
          'For a pupil with a current enrolment in a school linked to the caller, shares the ' +
          'brute-force counters of the login page: failures here count there and the other ' +
          'way round. Any other username, unknown or of a pupil in other schools, gets the ' +
          '401 of a wrong password and counts on no account.',
        security: scope('credentials:verify'),
        requestBody: { required: true, ...json('Credentials') },
        responses: {
          '200': { description: 'Valid; the pupil as the caller may see it', ...json('Verified') },
          '413': problem,
          '423': problem,
          ...errors,
        },
      },
    },
    '/schools/{institutionNumber}/pupils': {
      get: {
        operationId: 'listSchoolPupils',
        summary: 'The pupils with a current enrolment in one school',
        security: scope('school:pupils'),
        parameters: [
          {
            name: 'institutionNumber',
            in: 'path',
            required: true,
            schema: { type: 'string', pattern: '^[0-9]{1,10}$' },
          },
          {
            name: 'limit',
            in: 'query',
            schema: { type: 'integer', minimum: 1, maximum: 1000, default: 100 },
          },
          {
            name: 'after',
            in: 'query',
            description: 'cursor: the last id seen',
            schema: { type: 'string', format: 'uuid' },
          },
        ],
        responses: {
          '200': { description: 'A page of pupils', ...json('PupilPage') },
          '404': problem,
          ...errors,
        },
      },
    },
  },
  components: {
    securitySchemes: {
      clientCredentials: {
        type: 'oauth2',
        description: 'Client authentication with private_key_jwt at the token endpoint',
        flows: {
          clientCredentials: {
            tokenUrl: '/token',
            scopes: {
              'pupils:read': 'look up pupils and their enrolments',
              'credentials:verify': 'verify a username and password',
              'school:pupils': 'list the pupils of a linked school',
              insz: 'receive INSZ (needs a legal basis in the registration)',
            },
          },
        },
      },
    },
    schemas: {
      Enrolment: {
        type: 'object',
        additionalProperties: false,
        required: [
          'institution_number',
          'location_number',
          'administrative_group',
          'kind_of_education',
        ],
        properties: {
          institution_number: { type: 'string' },
          location_number: { type: 'string' },
          administrative_group: { type: 'string' },
          kind_of_education: { type: 'string' },
        },
      },
      Pupil: {
        type: 'object',
        additionalProperties: false,
        required: ['id', 'given_name', 'family_name', 'enrolments'],
        properties: {
          id: { type: 'string', format: 'uuid' },
          given_name: { type: 'string' },
          family_name: { type: 'string' },
          enrolments: { type: 'array', items: { $ref: '#/components/schemas/Enrolment' } },
          insz: { type: 'string', pattern: '^[0-9]{11}$' },
        },
      },
      PupilList: {
        type: 'object',
        additionalProperties: false,
        required: ['pupils'],
        properties: { pupils: { type: 'array', items: { $ref: '#/components/schemas/Pupil' } } },
      },
      PupilPage: {
        type: 'object',
        additionalProperties: false,
        required: ['pupils', 'next'],
        properties: {
          pupils: { type: 'array', items: { $ref: '#/components/schemas/Pupil' } },
          next: { type: ['string', 'null'], description: 'the `after` value of the next page' },
        },
      },
      EnrolmentList: {
        type: 'object',
        additionalProperties: false,
        required: ['enrolments'],
        properties: {
          enrolments: { type: 'array', items: { $ref: '#/components/schemas/Enrolment' } },
        },
      },
      Credentials: {
        type: 'object',
        additionalProperties: false,
        required: ['username', 'password'],
        properties: {
          username: { type: 'string', minLength: 1, maxLength: 120 },
          password: { type: 'string', minLength: 1, maxLength: 200 },
        },
      },
      Verified: {
        type: 'object',
        additionalProperties: false,
        required: ['valid', 'pupil'],
        properties: {
          valid: { const: true },
          pupil: { $ref: '#/components/schemas/Pupil' },
        },
      },
      Problem: {
        type: 'object',
        required: ['type', 'title', 'status'],
        properties: {
          type: { type: 'string' },
          title: { type: 'string' },
          status: { type: 'integer' },
          detail: { type: 'string' },
          code: { type: 'string', description: 'stable LeerID error code' },
          errors: { type: 'array', items: { type: 'object' } },
        },
      },
    },
  },
} as const;
