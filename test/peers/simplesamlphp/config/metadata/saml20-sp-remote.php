<?php
/*
 * Service providers the peer IdP knows, from sp-remote.json (rewritten by the
 * test helper when a LeerID server registers; read on every request).
 */
$file = dirname(__DIR__) . '/sp-remote.json';
$sps = file_exists($file) ? json_decode(file_get_contents($file), true) : [];
foreach ($sps as $entityId => $sp) {
    $metadata[$entityId] = $sp;
}
