import { expect, test } from './fixtures';
import { expectAccessEndedMessage, expectJupyterLabStopped, openJupyterLab } from './support/studio-ended';

/**
 * "Removed" means removed (issue 22): a member with JupyterLab open in the browser is removed by an admin in
 * the console; by the time the admin's "Removed ..." answer shows, the app is stopped and the member's live
 * Studio session refuses its next request. The stand-ins' CloudTrail-shaped log and SNS show it.
 */
const USER = 'leaver-e2e';
const PASSWORD = 'LeaverE2e1!';

test('an admin removes a member with a running JupyterLab: the app stops and the live Studio session ends before the answer', async ({
  pageAs,
  portal,
}) => {
  const control = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${portal.control}${path}`, {
      method,
      headers: { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    expect(res.ok, `${method} ${path} answered ${res.status}`).toBe(true);
    return res.json();
  };
  await control('POST', '/cognito/users:bulk', { users: [{ username: USER, password: PASSWORD }] });
  await control('POST', '/sagemaker/domains/d-loba1example/profiles', { names: [USER] });

  const admin = await pageAs('portal-admin');
  await test.step('the admin adds the member', async () => {
    await admin.goto(`${portal.password}/admin/lobs/lob-a/members`);
    const form = admin.getByRole('form', { name: 'Add a member to lob-a' });
    await form.getByLabel('Username').fill(USER);
    await form.getByRole('button', { name: 'Add member' }).click();
    await expect(form.getByText(`Saved: ${USER} is a member of lob-a`)).toBeVisible();
  });

  const user = await pageAs(USER, { password: PASSWORD });
  await test.step('the member opens JupyterLab and works in it', async () => {
    await openJupyterLab(user);
  });

  await test.step('the admin removes them; the answer comes after the app was stopped', async () => {
    // lob-a has many members by now (other specs import some): find this one by "Search members".
    await admin.goto(`${portal.password}/admin/lobs/lob-a/members?q=${USER}`);
    const remove = admin.getByRole('button', { name: `Remove ${USER} from lob-a` });
    await remove.click();
    // The action answered: the member's row is gone (a stop that failed would keep the row and show why).
    await expect(remove).toBeHidden();
    await expectJupyterLabStopped(portal.control, USER, 'portal-admin');
  });

  await test.step("the member's live Studio session refuses its next request", async () => {
    await user.reload();
    await expect(user.getByTestId('studio-error')).toHaveText('Studio is disabled for this user profile');
    await expectAccessEndedMessage(portal.control, USER, 'portal-admin');
  });
});
