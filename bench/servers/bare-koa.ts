/** The issue-5 reference: a minimal Koa 3 + @koa/router app reading the row with a prepared statement. */
import { Router } from '@koa/router';
import Koa from 'koa';
import { createServer } from 'node:http';
import { idOf, notFound, referenceOptions, serveUntilSignalled } from './reference.ts';
import { openRowReader } from './row-reader.ts';

const { databaseUrl, port } = referenceOptions();
const reader = await openRowReader(databaseUrl);

const router = new Router();
router.get('/api/blog/detail', async (context) => {
  const id = idOf(context.query.id);
  const record = id === undefined ? undefined : await reader.read(id);
  context.set('Cache-Control', 'no-store');
  context.body = record ? { errno: 0, data: record } : notFound;
});

const app = new Koa();
app.use(router.routes()).use(router.allowedMethods());

serveUntilSignalled(createServer(app.callback()), port, () => reader.close());
