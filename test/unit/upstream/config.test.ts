/** The `upstream` configuration: off by default, strict, and keys checked at start. */
import { expect } from 'chai';
import { resolveConfig } from '../../../src/config/load.js';
import type { SamlConfig } from '../../../src/config/upstream.js';
import { upstreamLoginOptions } from '../../../src/upstream/login-options.js';
import { loadSpKeys } from '../../../src/upstream/saml/sp-keys.js';
import { errorOf } from '../../helpers/errors.js';
import { testKeyPair } from '../../helpers/test-certs.js';

const saml = (extra: Record<string, unknown> = {}) => ({
  idpMetadataUrl: 'https://acm.example/metadata',
  spKeyFile: 'sp.key',
  spCertFile: 'sp.crt',
  ...extra,
});

describe('upstream configuration', function () {
  it('is off by default: no button on the login page', function () {
    const config = resolveConfig({});
    expect(config.upstream.saml).to.equal(undefined);
    expect(upstreamLoginOptions(config)).to.deep.equal([]);
  });

  it('shows "Aanmelden via ACM" when SAML is configured, with the defaults filled in', function () {
    const config = resolveConfig({ upstream: { saml: saml() } });
    expect(upstreamLoginOptions(config)).to.deep.equal([
      { id: 'saml', label: 'Aanmelden via ACM' },
    ]);
    expect(config.upstream.saml?.clockSkewSeconds).to.equal(60);
    expect(config.upstream.mapping.map((rule) => rule.by)).to.deep.equal(['uuid', 'insz']);
    expect(config.upstream.adminRole).to.deep.equal({
      attribute: 'rol',
      prefix: 'LeerIDBeheerder:',
    });
  });

  for (const [title, input] of [
    ['both a metadata file and URL', saml({ idpMetadataFile: 'acm.xml' })],
    ['no metadata at all', saml({ idpMetadataUrl: undefined })],
    ['a misspelt key', saml({ clockSkew: 5 })],
    ['a clock skew over five minutes', saml({ clockSkewSeconds: 600 })],
  ] as const) {
    it(`refuses ${title}, naming the key`, function () {
      const error = errorOf(() => resolveConfig({ upstream: { saml: input } }));
      expect(error.code).to.equal('config.invalid');
      expect(error.message).to.contain('upstream.saml');
    });
  }

  it('refuses an unknown mapping rule', function () {
    const input = { mapping: [{ by: 'email', attribute: 'mail' }] };
    expect(errorOf(() => resolveConfig({ upstream: input })).code).to.equal('config.invalid');
  });

  it('stops at start when the SP certificate does not belong to its key', function () {
    const one = testKeyPair('config-one');
    const two = testKeyPair('config-two');
    const config = resolveConfig({
      upstream: { saml: saml({ spKeyFile: one.keyFile, spCertFile: two.certFile }) },
    });
    const error = errorOf(() => loadSpKeys(config.upstream.saml as SamlConfig));
    expect(error.code).to.equal('upstream.config');
  });
});
