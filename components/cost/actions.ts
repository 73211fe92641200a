'use server';

import { forbidden } from 'next/navigation';
import { z } from 'zod';
import { getLob } from '@/lib/admin/lobs';
import { getAdminDeps } from '@/lib/admin/deps';
import { lobNameSchema } from '@/lib/admin/validation';
import { appIdOf, appLabelOf, listDomainApps, ownApps } from '@/lib/cost/apps';
import { getCostDeps } from '@/lib/cost/deps';
import { stopLobApp, stopOwnApp } from '@/lib/cost/stop-app';
import { PortalError } from '@/lib/errors';
import { resolveLobs } from '@/lib/launch';
import { log } from '@/lib/log';
import type { Lob } from '@/lib/directory/types';
import type { ActionState } from '@/components/actions/action-state';
import type { Authorized } from '@/components/actions/define-action';
import { managersOf, serverAction, signedInUsers } from '@/components/actions/server-action';

export interface StopAppValues {
  lob: string;
  app: string;
  reason: string;
}
export type StopAppState = ActionState<StopAppValues>;

const APP_ID = /^(space|profile)\.[A-Za-z0-9-]+\.[A-Za-z]+\.[A-Za-z0-9-]+\.\d+$/;
const stopSchema = z.object({
  lob: lobNameSchema,
  app: z.string().regex(APP_ID, 'The app to stop is missing; reload the page.'),
  reason: z.string(),
});
const read = (form: FormData): StopAppValues => ({
  lob: String(form.get('lob') ?? ''),
  app: String(form.get('app') ?? ''),
  reason: String(form.get('reason') ?? ''),
});

/**
 * Only the user's own apps, in a LOB they belong to: anything else (a replayed or forged POST naming
 * another user's app or another LOB) is answered 403, before any stop is tried.
 */
async function ownAppOfSignedInUser(values: StopAppValues, name: string): Promise<Authorized & { lob: Lob }> {
  const { user } = await signedInUsers();
  const refuse = (why: string): never => {
    log.warn('app.stop_refused', { action: name, user: user.username, lob: values.lob, app: values.app, why });
    forbidden();
  };
  const lob = (await resolveLobs(user)).lobs.find((l) => l.lob === values.lob);
  if (!lob) return refuse('not a LOB of the user');
  const app = await getCostDeps()
    .apps.asUser(lob, user.username, (client) => listDomainApps(client, lob))
    .then((apps) => apps.find((a) => appIdOf(a) === values.app));
  if (app && !ownApps([app], user.username).length) return refuse('not their app');
  return { user, lob };
}

/** "Stop app" on the home page: the signed-in user stops one of their own apps with their own session. */
export const stopMyAppAction = serverAction({
  name: 'app.stop.own',
  authorize: ownAppOfSignedInUser,
  read,
  schema: stopSchema,
  act: async ({ app }, { user, lob }, { values, requestId }) => {
    const stopped = await stopOwnApp(getCostDeps(), { lob, username: user.username, appId: app, requestId });
    return {
      message: `Stopped ${appLabelOf(stopped.app)} in ${lob.lob}.`,
      values,
      revalidate: ['/'],
      redirect: `/?stopped=${encodeURIComponent(appLabelOf(stopped.app))}`,
    };
  },
});

/** "Stop app" on a LOB page: an owner of that LOB or a platform admin stops any app, with a reason. */
export const stopLobAppAction = serverAction({
  name: 'app.stop',
  authorize: managersOf((v: StopAppValues) => v.lob),
  read,
  schema: stopSchema.extend({
    reason: z.string().trim().min(1, 'Say why you stop it: the user reads it.').max(300, 'Use at most 300 characters.'),
  }),
  act: async ({ lob: name, app, reason }, { user }, { values, requestId }) => {
    const lob = await getLob(getAdminDeps(), name);
    if (!lob) throw new PortalError('lob.not_found');
    const stopped = await stopLobApp(getCostDeps(), { lob, actor: user.username, appId: app, reason, requestId });
    const path = `/admin/lobs/${encodeURIComponent(lob.lob)}`;
    return {
      message: `Stopped ${appLabelOf(stopped.app)} of ${stopped.app.user}; they were told why.`,
      values: { ...values, reason: '' },
      revalidate: [path],
      redirect: `${path}?stopped=${encodeURIComponent(`${appLabelOf(stopped.app)} of ${stopped.app.user}`)}#running-apps`,
    };
  },
});
