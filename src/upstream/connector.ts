/**
 * What every upstream connector (ACM over SAML 2.0, ACM over OpenID Connect,
 * a third one later) offers the rest of LeerID. A connector only proves who
 * the person is; mapping to a pupil, the access rule and the session are
 * shared steps (src/upstream/complete.ts).
 */
import type Router from '@koa/router';
import type { Context } from 'koa';
import type { AdminRoleConfig, MappingRule } from '../config/upstream.js';

/** A person as an upstream identity provider asserted them. */
export interface UpstreamIdentity {
  connectorId: string;
  /** The IdP's name for the person (SAML NameID, OIDC sub); for logs and logout. */
  subject: string;
  /** Attribute (SAML) or claim (OIDC) values, always as lists of strings. */
  attributes: Readonly<Record<string, readonly string[]>>;
  /** What the connector needs later to end the upstream session (JSON-safe). */
  logoutHandle?: Readonly<Record<string, string>>;
}

/** Called by a connector once an answer from the IdP has passed every check. */
export type IdentityHandler = (
  ctx: Context,
  interactionUid: string,
  identity: UpstreamIdentity,
) => Promise<void>;

/** Called by a connector when the IdP has answered a logout request. */
export type LogoutReturnHandler = (ctx: Context, logoutState: string | undefined) => Promise<void>;

export interface UpstreamConnector {
  /** Stable id, used in paths: /upstream/<id>/… */
  readonly id: string;
  /** Text of the button on the login page. */
  readonly label: string;
  readonly mapping: readonly MappingRule[];
  readonly adminRole: AdminRoleConfig;

  /** The URL that sends the browser to the IdP to log in for this interaction. */
  start(interactionUid: string): Promise<string>;

  /**
   * The URL that ends the session at the IdP and comes back with
   * `logoutState`; undefined when the IdP offers no single logout.
   */
  logoutUrl(
    handle: Readonly<Record<string, string>>,
    logoutState: string,
  ): Promise<string | undefined>;

  /** The connector's own endpoints (SAML ACS and metadata, OIDC callback, …). */
  readonly router: Router;
}
