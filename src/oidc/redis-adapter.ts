/**
 * oidc-provider storage on Redis: one hash per stored model instance with
 * the payload and, once consumed, the consumption time. Secondary keys for
 * the session uid and the device user code point at the id; a set per grant
 * lists the keys of its tokens for revokeByGrantId. Every key carries the
 * TTL oidc-provider asks for, so Redis itself forgets expired state.
 *
 * The scripts compute key names inside Lua, which a Redis Cluster would
 * refuse; LeerID runs on one Redis (with a replica), where this is fine.
 */
import type { Adapter, AdapterPayload } from 'oidc-provider';
import type { Redis } from '../store/redis.js';
import { redisScript } from '../store/redis-script.js';

const NAMESPACE = 'oidc:';

// KEYS: record, grant set, uid index, user-code index.
// ARGV: payload, ttl (0: none), id, has grant, has uid, has user code.
const UPSERT = redisScript(`
local ttl = tonumber(ARGV[2])
redis.call('HSET', KEYS[1], 'payload', ARGV[1])
if ttl > 0 then redis.call('EXPIRE', KEYS[1], ttl) else redis.call('PERSIST', KEYS[1]) end
if ARGV[4] == '1' then
  redis.call('SADD', KEYS[2], KEYS[1])
  local current = redis.call('TTL', KEYS[2])
  if ttl == 0 then redis.call('PERSIST', KEYS[2])
  elseif current < ttl then redis.call('EXPIRE', KEYS[2], ttl) end
end
for i, flag in ipairs({ ARGV[5], ARGV[6] }) do
  if flag == '1' then
    if ttl > 0 then redis.call('SET', KEYS[i + 2], ARGV[3], 'EX', ttl)
    else redis.call('SET', KEYS[i + 2], ARGV[3]) end
  end
end`);

// Marks a record consumed without ever creating one that has no TTL.
const CONSUME = redisScript(`
if redis.call('EXISTS', KEYS[1]) == 1 then
  redis.call('HSET', KEYS[1], 'consumed', ARGV[1])
end`);

// The set holds full key names, so they are deleted as they are.
const REVOKE_GRANT = redisScript(`
local members = redis.call('SMEMBERS', KEYS[1])
for _, key in ipairs(members) do redis.call('DEL', key) end
redis.call('DEL', KEYS[1])
return #members`);

export function createRedisAdapterFactory(redis: Redis) {
  return (model: string): Adapter => new RedisAdapter(redis, model);
}

class RedisAdapter implements Adapter {
  constructor(
    private readonly redis: Redis,
    private readonly model: string,
  ) {}

  async upsert(id: string, payload: AdapterPayload, expiresIn: number): Promise<void> {
    const keys = [
      this.key(id),
      grantKey(payload.grantId ?? '-'),
      this.indexKey('uid', payload.uid ?? '-'),
      this.indexKey('userCode', payload.userCode ?? '-'),
    ];
    const flags = [payload.grantId, payload.uid, payload.userCode].map((v) => (v ? '1' : '0'));
    const ttl = expiresIn ? Math.max(1, Math.ceil(expiresIn)) : 0;

    await UPSERT.run(this.redis, keys, [JSON.stringify(payload), ttl, id, ...flags]);
  }

  async find(id: string): Promise<AdapterPayload | undefined> {
    const record = await this.redis.hgetall(this.key(id));
    if (!record.payload) return undefined;

    const payload = JSON.parse(record.payload) as AdapterPayload;
    if (record.consumed) payload.consumed = Number(record.consumed);
    return payload;
  }

  async findByUid(uid: string): Promise<AdapterPayload | undefined> {
    const id = await this.redis.get(this.indexKey('uid', uid));
    return id ? this.find(id) : undefined;
  }

  async findByUserCode(userCode: string): Promise<AdapterPayload | undefined> {
    const id = await this.redis.get(this.indexKey('userCode', userCode));
    return id ? this.find(id) : undefined;
  }

  async consume(id: string): Promise<void> {
    await CONSUME.run(this.redis, [this.key(id)], [Math.floor(Date.now() / 1000)]);
  }

  async destroy(id: string): Promise<void> {
    await this.redis.del(this.key(id));
  }

  async revokeByGrantId(grantId: string): Promise<void> {
    await REVOKE_GRANT.run(this.redis, [grantKey(grantId)], []);
  }

  private key(id: string): string {
    return `${NAMESPACE}${this.model}:${id}`;
  }

  private indexKey(kind: 'uid' | 'userCode', value: string): string {
    return `${NAMESPACE}${this.model}:${kind}:${value}`;
  }
}

function grantKey(grantId: string): string {
  return `${NAMESPACE}grant:${grantId}`;
}
