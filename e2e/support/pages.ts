/** Every admin console page (signed in as portal-admin), with the text its h1 shows once it is ready. */
export const ADMIN_PAGES = [
  { name: 'overview', path: '/admin', heading: 'Admin console' },
  { name: 'users', path: '/admin/users', heading: 'Users' },
  { name: 'users without a LOB', path: '/admin/users?view=nolob', heading: 'Users' },
  { name: 'user edit', path: '/admin/users/user-multi', heading: 'user-multi' },
  { name: 'CSV import', path: '/admin/users/import', heading: 'Import LOB memberships' },
  { name: 'LOB list', path: '/admin/lobs', heading: 'Lines of business' },
  { name: 'new LOB', path: '/admin/lobs/new', heading: 'Add a line of business' },
  { name: 'LOB edit', path: '/admin/lobs/lob-a', heading: 'Line of Business A' },
  { name: 'audit log', path: '/admin/audit', heading: 'Audit log' },
];

/** Every page a newcomer visits (signed in as portal-admin), for the CSP walks in production and under next dev. */
export const WALK = ['/', ...ADMIN_PAGES.map((p) => p.path), '/no-such-page'];
