/**
 * Names the portal, AWS and the stand-ins agree on, defined once: the Studio apps a LOB may offer and the
 * SageMaker user-profile name rule (profiles are named after the username, so it is the username rule too).
 */

export const STUDIO_APPS = ['studio', 'jupyterlab', 'codeeditor'] as const;
export type StudioApp = (typeof STUDIO_APPS)[number];

export function isStudioApp(value: unknown): value is StudioApp {
  return typeof value === 'string' && (STUDIO_APPS as readonly string[]).includes(value);
}

/** SageMaker's pattern for user profile (and space) names: `[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}`. */
export const PROFILE_NAME_PATTERN = /^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$/;
