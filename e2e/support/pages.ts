/** Every page a newcomer visits (signed in as portal-admin), for the CSP walks in production and under next dev. */
export const WALK = [
  '/', '/admin', '/admin/users', '/admin/users?view=nolob', '/admin/users/user-multi', '/admin/users/import',
  '/admin/lobs', '/admin/lobs/new', '/admin/lobs/lob-a', '/admin/audit', '/no-such-page',
];
