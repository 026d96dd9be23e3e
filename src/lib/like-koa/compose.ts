/**
 * The onion, as koa-compose: the middleware list becomes one function. `next` is a promise of
 * "everything after me": a middleware that awaits it is suspended until all later middleware have
 * finished, so the code after its `await next()` runs on the way back out, innermost first. And
 * because each `next()` returns (or rejects with) what happened further in, a throw anywhere
 * travels back out through every `await next()` to the outermost try/catch.
 */

/** Runs the rest of the chain; resolves when it has all finished, rejects with what it threw. */
export type Next = () => Promise<void>;
export type Middleware<Context> = (ctx: Context, next: Next) => void | Promise<void>;

/** One middleware made of many; its own `next` (optional) runs after the last of them. */
export function compose<Context>(middleware: readonly Middleware<Context>[]): (ctx: Context, next?: Next) => Promise<void> {
  return (ctx, last) => {
    // The furthest middleware started so far: a `next` may only ever move past it.
    let started = -1;
    function dispatch(position: number): Promise<void> {
      // The second call of the same `next` would run the rest of the chain again.
      if (position <= started) return Promise.reject(new Error('next() called multiple times'));
      started = position;
      const fn = position === middleware.length ? last : middleware[position];
      if (fn === undefined) return Promise.resolve();
      try {
        // Promise.resolve: a middleware that is not async still gives its caller a promise to await.
        return Promise.resolve(fn(ctx, () => dispatch(position + 1)));
      } catch (error) {
        return Promise.reject(error);
      }
    }
    return dispatch(0);
  };
}
