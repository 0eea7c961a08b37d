<?php
/*
 * LeerID test peer: SimpleSAMLphp standing in for ACM. Debian's defaults, with
 * the paths, URL and secrets of one test run from peer.json (written by
 * test/helpers/simplesamlphp.ts next to a copy of this file).
 */
$peer = json_decode(file_get_contents(__DIR__ . '/peer.json'), true);

require '/etc/simplesamlphp/config.php';

$config['baseurlpath'] = $peer['baseUrl'] . '/';
$config['certdir'] = $peer['dir'] . '/cert/';
$config['metadatadir'] = __DIR__ . '/metadata/';
$config['datadir'] = $peer['dir'] . '/data/';
$config['tempdir'] = $peer['dir'] . '/tmp';
$config['loggingdir'] = $peer['dir'] . '/log/';
$config['logging.handler'] = 'file';
$config['logging.logfile'] = 'simplesamlphp.log';
$config['logging.level'] = SimpleSAML\Logger::NOTICE;
$config['secretsalt'] = $peer['secretSalt'];
$config['auth.adminpassword'] = $peer['adminPassword'];
$config['admin.protectindexpage'] = true;
$config['enable.saml20-idp'] = true;
$config['module.enable'] = ['core' => true, 'saml' => true, 'exampleauth' => true];
$config['store.type'] = 'phpsession';
$config['session.phpsession.savepath'] = $peer['dir'] . '/sessions';
// Debian's default is SameSite=None without Secure, which browsers reject on http.
$config['session.cookie.secure'] = false;
$config['session.cookie.samesite'] = 'Lax';
$config['language.cookie.samesite'] = 'Lax';
$config['timezone'] = 'UTC';
