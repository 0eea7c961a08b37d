/** Client registrations: every mistake names the file, the client and the field. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { loadClients } from '../../../src/oidc/clients.js';
import { LeerIdError } from '../../../src/errors/index.js';

const dir = mkdtempSync(join(tmpdir(), 'leerid-clients-'));

const valid = {
  client_id: 'platform-x',
  client_secret: 'a-secret-of-at-least-32-characters!!',
  redirect_uris: ['https://platform.example/cb'],
  institutions: ['123456'],
  scopes: ['openid', 'profile', 'leerid'],
};

function write(content: unknown, name = 'clients.json'): string {
  const file = join(dir, name);
  writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content));
  return file;
}

function failure(file: string, env: NodeJS.ProcessEnv = {}): LeerIdError {
  try {
    loadClients(file, env);
  } catch (error) {
    expect(error).to.be.instanceOf(LeerIdError);
    expect((error as LeerIdError).code).to.equal('clients.invalid');
    return error as LeerIdError;
  }
  throw new Error('expected loadClients to fail');
}

describe('client registrations file', function () {
  it('loads a valid file', function () {
    const clients = loadClients(write({ clients: [valid] }));
    expect(clients).to.have.length(1);
    expect(clients[0]?.public).to.equal(false);
  });

  const cases: [string, Record<string, unknown>, RegExp][] = [
    ['a missing redirect_uris', { redirect_uris: undefined }, /field redirect_uris/],
    ['a malformed redirect URI', { redirect_uris: ['not a url'] }, /field redirect_uris\.0/],
    ['a short secret', { client_secret: 'short' }, /field client_secret: must be at least 32/],
    ['a wildcard redirect URI', { redirect_uris: ['https://x.example/*'] }, /no wildcards/],
    ['a redirect URI with a fragment', { redirect_uris: ['https://x.example/#a'] }, /fragment/],
    ['an unknown scope', { scopes: ['openid', 'email'] }, /field scopes\.1/],
    ['scope insz without a legal basis', { scopes: ['openid', 'insz'] }, /field inszLegalBasis/],
    ['scopes without openid', { scopes: ['profile'] }, /field scopes: must include openid/],
    ['a misspelt field', { redirect_uri: ['https://x.example/cb'] }, /field redirect_uri: unknown/],
    ['a non-numeric institution', { institutions: ['12A'] }, /field institutions\.0/],
    ['a public client with a secret', { public: true }, /field client_secret: a public client/],
  ];

  for (const [what, change, message] of cases) {
    it(`refuses ${what}, naming client and field`, function () {
      const error = failure(write({ clients: [{ ...valid, ...change }] }));
      expect(error.message).to.contain('clients.json: client "platform-x" (#1)');
      expect(error.message).to.match(message);
    });
  }

  it('refuses a confidential client without a secret', function () {
    const { client_secret: _unused, ...withoutSecret } = valid;
    const error = failure(write({ clients: [withoutSecret] }));
    expect(error.message).to.match(/client "platform-x" \(#1\): field client_secret: required/);
  });

  it('refuses a client id registered twice, naming the second', function () {
    const error = failure(write({ clients: [valid, valid] }));
    expect(error.message).to.contain('client "platform-x" (#2): field client_id: registered twice');
  });

  it('takes a secret from the environment and refuses a missing one', function () {
    const { client_secret: _unused, ...rest } = valid;
    const file = write({ clients: [{ ...rest, client_secret_env: 'PLATFORM_X_SECRET' }] });
    const secret = 'x'.repeat(40);
    expect(loadClients(file, { PLATFORM_X_SECRET: secret })[0]?.client_secret).to.equal(secret);
    expect(failure(file).message).to.match(/field client_secret_env: PLATFORM_X_SECRET is unset/);
  });

  it('names the file when it is not JSON', function () {
    const file = write('{ "clients": [ ', 'broken.json');
    expect(failure(file).message).to.match(/broken\.json: not valid JSON/);
  });
});
