import { expect, type Page } from '@playwright/test';

export interface NewLob {
  name: string;
  displayName: string;
  accountId: string;
  domainId: string;
}

/**
 * On /admin/lobs/new: fills the required fields of the new-LOB form as an admin types them, presses
 * "Create line of business" and waits for the new LOB's own page.
 */
export async function submitNewLobForm(page: Page, lob: NewLob): Promise<void> {
  await page.getByLabel('Name', { exact: true }).fill(lob.name);
  await page.getByLabel('Display name').fill(lob.displayName);
  await page.getByLabel('AWS account id').fill(lob.accountId);
  await page.getByLabel('Studio domain id').fill(lob.domainId);
  await page.getByRole('button', { name: 'Create line of business' }).click();
  await expect(page).toHaveURL(new RegExp(`/admin/lobs/${lob.name}`));
}
