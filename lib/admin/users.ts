/**
 * The users part of the admin console, by job: the user pool listing and lookups (pool-users.ts), the
 * search for users without a LOB (users-without-lob.ts) and a user's LOB memberships in the Users table
 * (user-lobs.ts). Import from here or from the module itself.
 */
export * from './pool-users';
export * from './users-without-lob';
export * from './user-lobs';
