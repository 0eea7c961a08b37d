/** The upstream login buttons the login page shows: one per configured connector. */
import type { Config } from '../config/schema.js';

export interface UpstreamLoginOption {
  /** Connector id; the button posts to /upstream/<id>/start/<interaction uid>. */
  id: string;
  label: string;
}

export function upstreamLoginOptions(config: Config): UpstreamLoginOption[] {
  const { saml, oidc } = config.upstream;
  return [
    ...(saml ? [{ id: 'saml', label: saml.label }] : []),
    ...(oidc ? [{ id: 'oidc', label: oidc.label }] : []),
  ];
}
