/**
 * SimpleSAMLphp (Debian package) as a real SAML IdP standing in for ACM:
 * a config folder per run in a temporary directory (static PHP files from
 * test/peers/simplesamlphp/config plus peer.json), a fresh openssl key,
 * served by php's built-in server on a free loopback port.
 */
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DOMParser } from '@xmldom/xmldom';
import { PACKAGE_ROOT } from '../../src/util/package-root.js';
import type { Page, UserAgent } from './user-agent.js';

const WWW = '/usr/share/simplesamlphp/www';
const PEER_CONFIG = join(PACKAGE_ROOT, 'test/peers/simplesamlphp/config');
const MD = 'urn:oasis:names:tc:SAML:2.0:metadata';
const DS = 'http://www.w3.org/2000/09/xmldsig#';
const POST_BINDING = 'urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST';

export interface IdpUser {
  username: string;
  password: string;
  attributes: Record<string, string[]>;
}

export interface SimpleSamlPhp {
  baseUrl: string;
  metadataUrl: string;
  /** Registers a service provider from its metadata XML (replacing earlier ones). */
  registerSp(metadataXml: string, extra?: Record<string, unknown>): void;
  log(): string;
  stop(): Promise<void>;
}

/** True when php and the Debian package are there. */
export function isSimpleSamlPhpInstalled(): boolean {
  if (!existsSync(WWW)) return false;
  try {
    execFileSync('php', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/**
 * Skips the suite when SimpleSAMLphp is missing on a developer machine; in
 * CI (CI set) a missing peer fails the suite instead.
 */
export function requireSimpleSamlPhp(suite: Mocha.Context): void {
  if (isSimpleSamlPhpInstalled()) return;
  const hint = 'SimpleSAMLphp is not installed: run test/peers/simplesamlphp/install.sh';
  if (process.env.CI) throw new Error(`${hint} (CI is set, so this fails instead of skipping)`);
  console.warn(`      skipped: ${hint}`);
  suite.skip();
}

export async function startSimpleSamlPhp(options: {
  users: IdpUser[];
  signResponse?: boolean;
  idpKeyFile: string;
  idpCertFile: string;
}): Promise<SimpleSamlPhp> {
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const dir = mkdtempSync(join(tmpdir(), 'leerid-simplesamlphp-'));
  const configDir = join(dir, 'config');
  for (const sub of ['cert', 'data', 'tmp', 'log', 'sessions']) mkdirSync(join(dir, sub));
  cpSync(PEER_CONFIG, configDir, { recursive: true });
  cpSync(options.idpKeyFile, join(dir, 'cert/idp.key'));
  cpSync(options.idpCertFile, join(dir, 'cert/idp.crt'));

  writeFileSync(
    join(configDir, 'peer.json'),
    JSON.stringify({
      baseUrl,
      dir,
      users: options.users,
      signResponse: options.signResponse ?? false,
      secretSalt: `salt-${port}-${Date.now()}`,
      adminPassword: `admin-${Date.now()}`,
    }),
  );
  writeFileSync(join(configDir, 'sp-remote.json'), '{}');

  const php = spawn('php', ['-d', 'variables_order=EGPCS', '-S', `127.0.0.1:${port}`, '-t', WWW], {
    env: { ...process.env, SIMPLESAMLPHP_CONFIG_DIR: configDir, PHP_CLI_SERVER_WORKERS: '2' },
    stdio: 'ignore',
    detached: true,
  });
  const metadataUrl = `${baseUrl}/saml2/idp/metadata.php`;
  await waitFor(metadataUrl, php);

  return {
    baseUrl,
    metadataUrl,
    registerSp(metadataXml, extra = {}) {
      const sp = readSpMetadata(metadataXml);
      const entry = {
        AssertionConsumerService: [{ Binding: POST_BINDING, Location: sp.acs }],
        ...(sp.slo ? { SingleLogoutService: [{ Binding: POST_BINDING, Location: sp.slo }] } : {}),
        certData: sp.cert,
        'validate.authnrequest': true,
        'validate.logout': true,
        'sign.logout': true,
        NameIDFormat: 'urn:oasis:names:tc:SAML:2.0:nameid-format:transient',
        ...extra,
      };
      writeFileSync(join(configDir, 'sp-remote.json'), JSON.stringify({ [sp.entityId]: entry }));
    },
    log() {
      const file = join(dir, 'log/simplesamlphp.log');
      return existsSync(file) ? execFileSync('tail', ['-n', '40', file]).toString() : '';
    },
    async stop() {
      await stopProcess(php);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * Logs in on the IdP's UserPass form and posts its answer to the SP, as the
 * browser's auto-submitting form would; returns where that lands.
 */
export async function loginAtIdp(
  browser: UserAgent,
  loginPage: Page,
  username: string,
  password: string,
  onResponse?: (samlResponseXml: string) => void,
): Promise<Page> {
  const login = readForm(loginPage, /name="password"/);
  const answer = await postForm(browser, loginPage, login, { username, password });
  const form = readForm(answer, /name="SAMLResponse"/);
  onResponse?.(Buffer.from(form.fields.SAMLResponse ?? '', 'base64').toString('utf8'));
  return postForm(browser, answer, form, {});
}

/** The IdP's auto-submitting SAML form on `page` (e.g. a LogoutResponse), posted on. */
export function followSamlPost(browser: UserAgent, page: Page): Promise<Page> {
  return postForm(browser, page, readForm(page, /name="SAML(Response|Request)"/), {});
}

interface HtmlForm {
  action: string;
  fields: Record<string, string>;
}

function readForm(page: Page, containing: RegExp): HtmlForm {
  const form = [...page.html.matchAll(/<form\b([^>]*)>([\s\S]*?)<\/form>/g)].find((m) =>
    containing.test(m[2] as string),
  );
  if (!form) {
    const start = page.html.slice(0, 2000);
    throw new Error(`no form matching ${containing} at ${page.url} (${page.status}): ${start}`);
  }

  const action = decodeHtml(/action="([^"]*)"/.exec(form[1] as string)?.[1] ?? '');
  const fields: Record<string, string> = {};
  for (const input of (form[2] as string).matchAll(/<input\b[^>]*>/g)) {
    const tag = input[0];
    if (!/type="hidden"/.test(tag)) continue;
    const name = /name="([^"]*)"/.exec(tag)?.[1];
    if (name) fields[decodeHtml(name)] = decodeHtml(/value="([^"]*)"/.exec(tag)?.[1] ?? '');
  }
  return { action, fields };
}

function postForm(
  browser: UserAgent,
  page: Page,
  form: HtmlForm,
  values: Record<string, string>,
): Promise<Page> {
  return browser.open(new URL(form.action, page.url).toString(), {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ ...form.fields, ...values }).toString(),
  });
}

function decodeHtml(text: string): string {
  return text
    .replace(/&quot;/g, '"')
    .replace(/&#0?39;|&apos;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&#x([0-9a-f]+);/gi, (_, hex: string) => String.fromCodePoint(parseInt(hex, 16)))
    .replace(/&#(\d+);/g, (_, dec: string) => String.fromCodePoint(Number(dec)))
    .replace(/&amp;/g, '&');
}

function readSpMetadata(xml: string) {
  const doc = new DOMParser().parseFromString(xml, 'text/xml');
  const root = doc.documentElement;
  const first = (name: string) => root.getElementsByTagNameNS(MD, name)[0];
  const signing = Array.from(root.getElementsByTagNameNS(MD, 'KeyDescriptor')).find(
    (key) => key.getAttribute('use') === 'signing',
  );
  return {
    entityId: root.getAttribute('entityID') as string,
    acs: first('AssertionConsumerService')?.getAttribute('Location') as string,
    slo: first('SingleLogoutService')?.getAttribute('Location') ?? undefined,
    cert: (signing?.getElementsByTagNameNS(DS, 'X509Certificate')[0]?.textContent ?? '').replace(
      /\s+/g,
      '',
    ),
  };
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

async function waitFor(url: string, php: ChildProcess) {
  for (let attempt = 0; attempt < 100; attempt += 1) {
    if (php.exitCode !== null) throw new Error(`php exited with ${php.exitCode}`);
    const ok = await fetch(url).then(
      (response) => response.ok,
      () => false,
    );
    if (ok) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  await stopProcess(php);
  throw new Error(`SimpleSAMLphp did not answer at ${url}`);
}

/** Ends the php server and its workers (its own process group). */
async function stopProcess(php: ChildProcess) {
  if (php.exitCode !== null || php.pid === undefined) return;
  const exited = new Promise((resolve) => php.once('exit', resolve));
  process.kill(-php.pid, 'SIGTERM');
  await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 3000))]);
}
