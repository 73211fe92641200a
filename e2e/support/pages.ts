import adminPages from './admin-pages.json';

export interface AdminPage {
  /** the step name in the specs */
  name: string;
  path: string;
  /** the text its h1 shows once it is ready */
  heading: string;
}

/** Every admin console page (signed in as portal-admin; the review pages: e2e/reviews.spec.ts), listed in admin-pages.json. */
export const ADMIN_PAGES: AdminPage[] = adminPages;

/** Every page a newcomer visits (signed in as portal-admin), for the CSP walks in production and under next dev. */
export const WALK = ['/', ...ADMIN_PAGES.map((p) => p.path), '/no-such-page'];
