import { expect, type Page } from '@playwright/test';

/** From the portal's home page: opens lob-a's Studio (the stand-in) in JupyterLab and waits for it to run. */
export async function openJupyterLab(user: Page): Promise<void> {
  await user.getByLabel('Open in').selectOption('jupyterlab');
  await user.getByTestId('open-studio').click();
  await user.waitForURL(/^https?:\/\/d-loba1example\.studio\./, { timeout: 15_000 });
  await user.getByTestId('studio-open-app').click();
  await expect(user.getByTestId('studio-page')).toHaveText('JupyterLab');
}

/** GET on the stand-ins' control API (ends in /_local). */
async function controlGet<T>(control: string, path: string): Promise<T> {
  const res = await fetch(`${control}${path}`);
  expect(res.ok, `GET ${path} answered ${res.status}`).toBe(true);
  return (await res.json()) as T;
}

/** The stand-ins' CloudTrail shows `username`'s JupyterLab in lob-a's domain deleted by `by` (the access-control session). */
export async function expectJupyterLabStopped(control: string, username: string, by: string): Promise<void> {
  const { Records } = await controlGet<{
    Records: Array<{ requestParameters: Record<string, unknown>; errorCode?: string }>;
  }>(control, `/cloudtrail?eventName=DeleteApp&sourceIdentity=${by}`);
  expect(Records.filter((r) => !r.errorCode).map((r) => r.requestParameters)).toContainEqual(
    expect.objectContaining({ DomainId: 'd-loba1example', UserProfileName: username, AppType: 'JupyterLab' }),
  );
}

/** Every SNS message the stand-in received: its attributes and its parsed JSON body. */
export async function snsMessages(
  control: string,
): Promise<Array<{ attributes: Record<string, string>; body: Record<string, unknown> }>> {
  const { messages } = await controlGet<{
    messages: Array<{ attributes: Record<string, string>; message?: string; Message?: string }>;
  }>(control, '/sns/messages');
  return messages.map((m) => ({
    attributes: m.attributes,
    body: JSON.parse(String(m.message ?? m.Message)) as Record<string, unknown>,
  }));
}

/** SNS `access.ended` for `username` in lob-a, with the JupyterLab stopped, ended by `by`. */
export async function expectAccessEndedMessage(control: string, username: string, by: string): Promise<void> {
  const ended = (await snsMessages(control))
    .map((m) => m.body)
    .filter((m) => m.event === 'access.ended' && m.user === username);
  expect(ended).toContainEqual(
    expect.objectContaining({ lob: 'lob-a', reason: 'removed', by, stopped: ['JupyterLab'] }),
  );
}
