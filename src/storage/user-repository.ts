/** User queries, one function each. */
import type { User, UserRepository } from '../core/ports.ts';
import type { BlogDatabase } from './database.ts';
import type { StorageDialect } from './dialects/dialect.ts';

export function userRepository(db: BlogDatabase, dialect: StorageDialect): UserRepository {
  return {
    async findByUsername(username): Promise<User | undefined> {
      const row = await db.selectFrom('users').select(['id', 'username', 'password', 'realname']).where('username', '=', username).executeTakeFirst();
      return row && { id: Number(row.id), username: row.username, password: row.password, realname: row.realname ?? '' };
    },

    insert(user) {
      return dialect.insertId(db, 'users', user);
    },

    async setPassword(userId, password) {
      await db.updateTable('users').set({ password }).where('id', '=', userId).execute();
    },
  };
}
