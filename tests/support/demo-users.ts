/** The demo users (local/demo-data.ts) a suite signs in as. */
import { DEMO_USERS } from '@/local/demo-data';

/** [username, password] of each named demo user, in the order given (as `useClockedStack` signs them in). */
export function demoSignIns(...usernames: string[]): Array<[username: string, password: string]> {
  return usernames.map((username) => {
    const user = DEMO_USERS.find((u) => u.username === username);
    if (!user) throw new Error(`${username} is not a demo user (local/demo-data.ts)`);
    return [user.username, user.password];
  });
}
