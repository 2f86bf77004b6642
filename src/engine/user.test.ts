import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { parseGroup, parsePasswd, resolveUser } from './user';

const passwd = parsePasswd('root:x:0:0:root:/root:/bin/sh\nwww-data:x:33:33:www-data:/var/www:/bin/false\nbob:x:1000:1000::/home/bob:/bin/sh\n');
const groups = parseGroup('root:x:0:\nwheel:x:10:root,bob\nusers:x:100:bob\nbob:x:1000:\n');

// docker (moby's getUser) lists the primary gid first among the supplementary groups, then the
// groups naming the user as a member; podman agrees except that it leaves root's gid 0 out
test('empty user is root, with root\'s groups from /etc/group', () =>
  assert.deepEqual(resolveUser('', passwd, groups), { uid: 0, gid: 0, additionalGids: [0, 10], home: '/root' }));

test('a name gives its uid, primary gid, supplementary groups and home', () =>
  assert.deepEqual(resolveUser('bob', passwd, groups), { uid: 1000, gid: 1000, additionalGids: [1000, 10, 100], home: '/home/bob' }));

test('a numeric uid unknown to passwd runs with gid 0 and HOME=/', () =>
  assert.deepEqual(resolveUser('4242', passwd, groups), { uid: 4242, gid: 0, additionalGids: [0], home: '/' }));

test('an explicit group replaces the membership groups (docker: supplementary groups only in the implicit form)', () => {
  assert.deepEqual(resolveUser('bob:users', passwd, groups).additionalGids, [100]);
  assert.deepEqual(resolveUser('1000:1000', passwd, groups).additionalGids, [1000]);
  assert.deepEqual(resolveUser('bob:', passwd, groups).additionalGids, [1000, 10, 100]);
  assert.deepEqual(resolveUser(':7', passwd, groups), { uid: 0, gid: 7, additionalGids: [7], home: '/root' });
});

test('user:group by name and by number', () => {
  assert.equal(resolveUser('bob:users', passwd, groups).gid, 100);
  assert.equal(resolveUser('33:7', passwd, groups).gid, 7);
  assert.equal(resolveUser('www-data', passwd, groups).home, '/var/www');
});

test('unknown names are clear errors', () => {
  assert.throws(() => resolveUser('nobody-here', passwd, groups), /unable to find user nobody-here/);
  assert.throws(() => resolveUser('bob:nogroup', passwd, groups), /unable to find group nogroup/);
});
