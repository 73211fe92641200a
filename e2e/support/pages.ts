/** Every admin console page (signed in as portal-admin; the review pages: e2e/reviews.spec.ts), with the text its h1 shows once it is ready. */
export const ADMIN_PAGES = [
  { name: 'overview', path: '/admin', heading: 'Admin console' },
  { name: 'users', path: '/admin/users', heading: 'Users' },
  { name: 'users without a LOB', path: '/admin/users?view=nolob', heading: 'Users' },
  { name: 'user edit', path: '/admin/users/user-multi', heading: 'user-multi' },
  { name: 'CSV import', path: '/admin/users/import', heading: 'Import LOB memberships' },
  { name: 'LOB list', path: '/admin/lobs', heading: 'Lines of business' },
  { name: 'new LOB', path: '/admin/lobs/new', heading: 'Add a line of business' },
  { name: 'LOB edit', path: '/admin/lobs/lob-a', heading: 'Line of Business A' },
  { name: 'LOB members', path: '/admin/lobs/lob-a/members', heading: 'Members of lob-a' },
  { name: 'access requests', path: '/admin/requests', heading: 'Access requests' },
  { name: 'usage', path: '/admin/usage', heading: 'Usage' },
  { name: 'audit log', path: '/admin/audit', heading: 'Audit log' },
  { name: 'audit log, admin changes', path: '/admin/audit?type=admin', heading: 'Audit log' },
];

/** Every page a newcomer visits (signed in as portal-admin), for the CSP walks in production and under next dev. */
export const WALK = ['/', ...ADMIN_PAGES.map((p) => p.path), '/no-such-page'];
