/** Who a session belongs to: what the server keeps after a login and `/api/user/info` returns. */
export interface SessionUser {
  userId: number;
  username: string;
  realname: string;
}
