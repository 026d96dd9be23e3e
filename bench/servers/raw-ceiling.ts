/** The ceiling: bare node:http answering the detail envelope of one blog kept in memory. */
import { createServer } from 'node:http';
import { detailBody, headerList, referenceOptions, serveUntilSignalled } from './reference.ts';
import { openRowReader } from './row-reader.ts';

const { databaseUrl, port, id } = referenceOptions();
const reader = await openRowReader(databaseUrl, 1);
const record = await reader.read(id);
await reader.close();
if (!record) throw new Error(`raw-ceiling: blog ${id} not found in ${databaseUrl}`);

const body = Buffer.from(detailBody(record));
const headers = headerList('Content-Length', String(body.length));

serveUntilSignalled(createServer((_request, response) => {
  response.writeHead(200, headers);
  response.end(body);
}), port);
