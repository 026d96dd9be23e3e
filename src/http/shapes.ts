/**
 * What the `data` of each answer is, as JSON Schema (the dialect OpenAPI 3.1 uses), so the route
 * table says what a client gets back and the API's description can be generated from it.
 */
export type Shape = Readonly<Record<string, unknown>>;

const integer = { type: 'integer', minimum: 1 } as const;
const milliseconds = { type: 'integer', description: 'milliseconds since the epoch' } as const;

/** A blog as `toBlog` returns it (src/core/ports.ts `Blog`). */
export const blogShape: Shape = {
  type: 'object',
  required: ['id', 'title', 'content', 'createtime', 'author', 'updatetime'],
  properties: {
    id: integer,
    title: { type: 'string' },
    content: { type: 'string', description: 'HTML, filtered by the XSS whitelist' },
    createtime: milliseconds,
    author: { type: 'string', description: 'the author\'s username' },
    updatetime: { type: ['integer', 'null'], description: 'milliseconds since the epoch; null when never updated' },
  },
};

/** What `search=` adds to each listed blog (src/core/search-text.ts `Excerpt`). */
const excerptShape: Shape = {
  type: 'object',
  required: ['field', 'text', 'matches'],
  description: 'only with search=: plain text around the first match (no markup); matches are [start, end) offsets into text, in UTF-16 code units',
  properties: {
    field: { type: 'string', enum: ['title', 'content'] },
    text: { type: 'string' },
    matches: { type: 'array', items: { type: 'array', items: { type: 'integer', minimum: 0 }, minItems: 2, maxItems: 2 } },
  },
};

export const blogListShape: Shape = {
  type: 'array',
  items: { ...blogShape, properties: { ...(blogShape.properties as Record<string, unknown>), excerpt: excerptShape } },
};

export const newBlogShape: Shape = { type: 'object', required: ['id'], properties: { id: integer } };

export const userShape: Shape = {
  type: 'object',
  required: ['username', 'realname'],
  properties: { username: { type: 'string' }, realname: { type: 'string' } },
};

/** What a password change did: how many other sessions of the user it ended. */
export const sessionsEndedShape: Shape = {
  type: 'object',
  required: ['sessionsEnded'],
  properties: { sessionsEnded: { type: 'integer', minimum: 0, description: 'the user\'s other sessions ended on the server' } },
};
