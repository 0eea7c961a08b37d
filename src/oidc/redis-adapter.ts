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

// KEYS: a uid or user-code index. ARGV: the key prefix of the model's records.
// The index lookup and the record in one round trip.
const FIND_BY_INDEX = redisScript(`
local id = redis.call('GET', KEYS[1])
if not id then return false end
return redis.call('HGETALL', ARGV[1] .. id)`);

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
    return payloadOf(await this.redis.hgetall(this.key(id)));
  }

  async findByUid(uid: string): Promise<AdapterPayload | undefined> {
    return this.findByIndex(this.indexKey('uid', uid));
  }

  async findByUserCode(userCode: string): Promise<AdapterPayload | undefined> {
    return this.findByIndex(this.indexKey('userCode', userCode));
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

  private async findByIndex(indexKey: string): Promise<AdapterPayload | undefined> {
    // Keys made inside the script do not get the client's key prefix: it is passed along.
    const recordPrefix = `${this.redis.options.keyPrefix ?? ''}${this.key('')}`;
    const fields = (await FIND_BY_INDEX.run(this.redis, [indexKey], [recordPrefix])) as
      string[] | null;
    const record: Record<string, string> = {};
    for (let i = 0; fields && i < fields.length; i += 2) {
      record[fields[i] as string] = fields[i + 1] as string;
    }
    return payloadOf(record);
  }

  private key(id: string): string {
    return `${NAMESPACE}${this.model}:${id}`;
  }

  private indexKey(kind: 'uid' | 'userCode', value: string): string {
    return `${NAMESPACE}${this.model}:${kind}:${value}`;
  }
}

function payloadOf(record: Record<string, string>): AdapterPayload | undefined {
  if (!record.payload) return undefined;
  const payload = JSON.parse(record.payload) as AdapterPayload;
  if (record.consumed) payload.consumed = Number(record.consumed);
  return payload;
}

function grantKey(grantId: string): string {
  return `${NAMESPACE}grant:${grantId}`;
}
