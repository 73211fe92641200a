import { expect, test } from './fixtures';
import { expectAccessEndedMessage, expectJupyterLabStopped, openJupyterLab, snsMessages } from './support/studio-ended';

/**
 * Issue 27's emergency access (break-glass), in Chromium at 390 px: oncall-lob-a (IdP group lob-a-oncall,
 * lob-a's emergency access group, no membership) takes emergency access with a reason and lands in lob-a's
 * Studio with JupyterLab running; owner-lob-a sees the banner on /admin and rejects it; by the answer the
 * app is stopped (DeleteApp in the stand-ins' CloudTrail) and the live Studio session refuses its next
 * request. SNS carried access.emergency (attributes lob, user) and access.ended. axe checks the new UI.
 */
const PHONE = { width: 390, height: 844 };
const USER = 'oncall-lob-a';

test('an on-call member takes emergency access, lands in Studio; the owners reject it and the access and the running app end', async ({
  pageAs,
  expectAccessible,
  portal,
}) => {
  test.slow();
  const user = await pageAs(USER, { viewport: PHONE });
  const owner = await pageAs('owner-lob-a', { viewport: PHONE });

  await test.step('the on-call member asks for emergency access with a reason', async () => {
    await expect(user.getByTestId('no-lob')).toBeVisible();
    const card = user.getByTestId('emergency-lob-a');
    await expect(card).toBeVisible();
    await expectAccessible(user, { maxWidth: PHONE.width });
    await card.getByRole('button', { name: 'Emergency access' }).click();
    await expect(card.getByRole('alert')).toContainText('Reason: write at least 10 characters');
    await card.getByRole('textbox', { name: 'Reason' }).fill('Nightly scoring job failed, incident 4711');
    await card.getByRole('button', { name: 'Emergency access' }).click();
    // Granted at once: the page refreshes, the card shows the grant's end and Studio is offered.
    await expect(card.getByRole('status')).toContainText(
      /You have emergency access to lob-a.*Until \d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC/,
    );
    await expect(user.getByTestId('open-studio')).toBeVisible();
    await expectAccessible(user, { maxWidth: PHONE.width });
  });

  await test.step('they land in Studio and open JupyterLab', async () => {
    await user.reload();
    await expect(user.getByTestId('emergency-lob-a')).toContainText('You have emergency access to lob-a');
    await openJupyterLab(user);
  });

  await test.step('the owner sees the banner and rejects it; the app is stopped by the answer', async () => {
    await owner.goto(`${portal.password}/admin`);
    const row = owner.getByRole('region', { name: `Emergency access of ${USER} to lob-a` });
    await expect(row).toContainText('Nightly scoring job failed, incident 4711');
    await expect(row.getByRole('button', { name: 'Confirm' })).toBeVisible();
    await expectAccessible(owner, { maxWidth: PHONE.width });
    await row.getByRole('button', { name: 'Reject' }).click();
    // The action answered: the row is gone (a failure, e.g. an app that could not be stopped, keeps it and says why).
    await expect(row).toBeHidden();
    await expect(owner.getByTestId('emergency-banner')).toHaveCount(0);
    await expectJupyterLabStopped(portal.control, USER, 'owner-lob-a');
  });

  await test.step("the member's live Studio session refuses its next request, and the portal offers no Studio", async () => {
    await user.reload();
    await expect(user.getByTestId('studio-error')).toHaveText('Studio is disabled for this user profile');
    await user.goto(`${portal.password}/`);
    await expect(user.getByTestId('no-lob')).toBeVisible();
    const emergency = (await snsMessages(portal.control)).filter((m) => m.attributes.event === 'access.emergency');
    expect(emergency.map((m) => m.attributes)).toContainEqual(expect.objectContaining({ lob: 'lob-a', user: USER }));
    await expectAccessEndedMessage(portal.control, USER, 'owner-lob-a');
  });
});
