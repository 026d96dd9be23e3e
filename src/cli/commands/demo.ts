/** `blog-server demo`: the course's demo users and posts, once; never in production. */
import { createDemoData } from '../../core/demo-data.ts';
import { withApp } from '../with-app.ts';
import { UsageError, type Command } from './command.ts';

export const demoCommand: Command = {
  summary: { demo: "create the course's demo users (zhangsan, lisi / 123) and posts" },
  usage: ['demo [options]'],
  settings: ['DATABASE_URL'],
  about: 'Creates the demo users zhangsan and lisi (password 123, as in the course) with a few posts.\nRunning it again changes nothing. Refused when NODE_ENV=production.',
  async run({ config: configure }) {
    const config = configure();
    if (config.env === 'production') throw new UsageError('blog-server demo: refused with NODE_ENV=production (demo users have the password 123)');
    await withApp(config, async (app) => {
      const result = await createDemoData(app.services.users, app.services.blogs);
      console.log(result.usersCreated.length > 0 ? `blog-server: created demo users ${result.usersCreated.join(', ')} and ${result.postsCreated} posts` : 'blog-server: the demo users already exist');
    });
  },
};
