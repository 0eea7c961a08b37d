<?php
/* Test users of the LeerID peer IdP, with their attributes, from peer.json. */
$peer = json_decode(file_get_contents(__DIR__ . '/peer.json'), true);

$users = ['exampleauth:UserPass'];
foreach ($peer['users'] as $user) {
    $users[$user['username'] . ':' . $user['password']] = $user['attributes'];
}

$config = [
    'admin' => ['core:AdminPassword'],
    'acm-test-users' => $users,
];
