/** The course's demo accounts (`zhangsan` and `lisi`, password `123`) and a few posts. Idempotent. */
import type { BlogService } from './blog-service.ts';
import type { UserService } from './user-service.ts';

const demoUsers = [
  { username: 'zhangsan', realname: '张三', password: '123' },
  { username: 'lisi', realname: '李四', password: '123' },
] as const;

const demoPosts: Record<string, { title: string; content: string }[]> = {
  zhangsan: [
    { title: '你好，博客', content: '这是张三的第一篇博客。\n\n用 zhangsan / 123 登录后，可以在“管理中心”新建、编辑和删除自己的博客。' },
    { title: 'Node.js 处理 HTTP 请求', content: '原生 node:http 解析 querystring、读取 POST 数据、返回 JSON。\n\n同一套接口也可以用 Express 或 Koa 来实现。' },
  ],
  lisi: [
    { title: '李四的读书笔记', content: '为什么 session 放在 Redis 里？访问频繁、对性能要求高、数据量不大。' },
  ],
};

export interface DemoResult {
  usersCreated: string[];
  postsCreated: number;
}

export async function createDemoData(users: UserService, blogs: BlogService): Promise<DemoResult> {
  const result: DemoResult = { usersCreated: [], postsCreated: 0 };
  for (const demo of demoUsers) {
    if (await users.exists(demo.username)) continue;
    const userId = await users.createUser(demo, { allowWeakPassword: true });
    result.usersCreated.push(demo.username);
    const author = { userId, username: demo.username, realname: demo.realname };
    for (const post of demoPosts[demo.username] ?? []) {
      await blogs.create(author, post);
      result.postsCreated += 1;
    }
  }
  return result;
}
