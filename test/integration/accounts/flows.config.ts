/** Platforms of the end-to-end account flows (all synthetic). */
import type { ClientRegistration } from '../../../src/oidc/clients.js';
import { REDIRECT_URI } from '../../helpers/relying-party.js';
import { SCHOOL_A } from './accounts.config.js';

export const CLIENT_ID = 'platform-a';
export const CLIENT_SECRET = 'secret-of-platform-a-0123456789abcdef';

export const CLIENTS: ClientRegistration[] = [
  {
    client_id: CLIENT_ID,
    client_name: 'Platform A',
    client_secret: CLIENT_SECRET,
    public: false,
    redirect_uris: [REDIRECT_URI],
    post_logout_redirect_uris: ['http://127.0.0.1:9/bye'],
    institutions: [SCHOOL_A],
    scopes: ['openid', 'profile', 'leerid'],
  },
];
