/**
 * One read per request: while answering one request oidc-provider asks for
 * the same thing several times (the login prompt's access check and
 * findAccount at the authorization endpoint; findAccount and the claims at
 * the token endpoint). Each asks through here and the first read is shared;
 * the next request reads afresh.
 */
const memos = new WeakMap<object, Map<string, Promise<unknown>>>();

export function oncePerRequest<T>(ctx: object, key: string, read: () => Promise<T>): Promise<T> {
  let memo = memos.get(ctx);
  if (!memo) {
    memo = new Map();
    memos.set(ctx, memo);
  }
  let value = memo.get(key) as Promise<T> | undefined;
  if (!value) {
    value = read();
    memo.set(key, value);
  }
  return value;
}
