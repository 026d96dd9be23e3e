/** The issue-5 reference: a minimal Express 5 app reading the row with a prepared statement. */
import express from 'express';
import { createServer } from 'node:http';
import { idOf, notFoundBody, referenceOptions, serveUntilSignalled } from './reference.ts';
import { openRowReader } from './row-reader.ts';

const { databaseUrl, port } = referenceOptions();
const reader = await openRowReader(databaseUrl);

const app = express();
app.get('/api/blog/detail', async (request, response) => {
  const id = idOf(request.query.id);
  const record = id === undefined ? undefined : await reader.read(id);
  response.set('Cache-Control', 'no-store');
  if (record) response.json({ errno: 0, data: record });
  else response.type('json').send(notFoundBody);
});

serveUntilSignalled(createServer(app), port, () => reader.close());
