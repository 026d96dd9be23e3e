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
  required: ['id', 'title', 'content', 'createtime', 'author', 'updatetime', 'status', 'publishtime', 'format', 'source'],
  properties: {
    id: integer,
    title: { type: 'string' },
    content: { type: 'string', description: 'HTML, filtered by the XSS whitelist (a Markdown post: its source rendered, then filtered)' },
    createtime: { ...milliseconds, description: 'a published post\'s publication time (ahead of now: scheduled), a draft\'s creation time; ms since the epoch' },
    author: { type: 'string', description: 'the author\'s username' },
    updatetime: { type: ['integer', 'null'], description: 'milliseconds since the epoch; null when never updated' },
    status: { type: 'string', enum: ['published', 'draft'] },
    publishtime: { type: ['integer', 'null'], description: 'when the post is or becomes public (= createtime), ms since the epoch; null for a draft' },
    format: { type: 'string', enum: ['html', 'markdown'] },
    source: { type: ['string', 'null'], description: 'the Markdown text of a Markdown post; null for HTML' },
  },
};

const revisionKind = { type: 'string', enum: ['save', 'autosave', 'restore'], description: 'save/restore: the version a save or a restore replaced; autosave: kept by the editor' } as const;

/** A revision as listed (src/core/ports.ts `RevisionSummary`), newest first. */
export const revisionListShape: Shape = {
  type: 'array',
  items: {
    type: 'object',
    required: ['revision', 'time', 'title', 'kind', 'format'],
    properties: { revision: integer, time: milliseconds, title: { type: 'string' }, kind: revisionKind, format: { type: 'string', enum: ['html', 'markdown'] } },
  },
};

/** One revision with its text. */
export const revisionShape: Shape = {
  type: 'object',
  required: ['revision', 'time', 'title', 'content', 'source', 'format', 'kind'],
  properties: {
    revision: integer,
    time: milliseconds,
    title: { type: 'string' },
    content: { type: 'string', description: 'the HTML it showed' },
    source: { type: ['string', 'null'], description: 'its Markdown text; null for HTML' },
    format: { type: 'string', enum: ['html', 'markdown'] },
    kind: revisionKind,
  },
};

/** What `/api/blog/preview` renders. */
export const previewShape: Shape = { type: 'object', required: ['content'], properties: { content: { type: 'string', description: 'the HTML a save would store' } } };

/** What an autosave kept (`id`: the post, created as a draft by the first autosave without `id`). */
export const autosaveShape: Shape = {
  type: 'object',
  required: ['id', 'revision', 'time'],
  properties: { id: integer, revision: integer, time: milliseconds },
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
