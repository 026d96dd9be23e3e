// Prints the API's OpenAPI 3.1 description, generated from the route table (src/http/openapi.ts);
// with --write, writes it to docs/openapi.json. `test/contract/openapi.test.ts` checks that they agree.
import { writeFileSync } from 'node:fs';
import { register } from 'tsx/esm/api';

register();
const { documentedOpenApi } = await import('../src/http/openapi-file.ts');
const text = documentedOpenApi();

if (!process.argv.includes('--write')) {
  process.stdout.write(text);
} else {
  writeFileSync(new URL('../docs/openapi.json', import.meta.url), text);
  console.log('openapi: wrote docs/openapi.json');
}
