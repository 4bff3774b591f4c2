// Playing a scenario's story to its end in the player, for the e2e files that
// need its challenge open: Play, and each checkpoint answered with its first choice.
import type { Page } from 'playwright-core';

export async function playStoryToTheEnd(page: Page): Promise<void> {
  for (let round = 0; round < 60 && !(await page.getByTestId('story-over').isVisible()); round++) {
    const open = page.locator('[data-testid="checkpoint"][data-state="open"]');
    if ((await open.count()) > 0) {
      await open.locator('input[type="radio"]').first().check();
      await open.getByRole('button', { name: 'Commit my answer' }).click();
    } else if ((await page.getByTestId('player-play').isVisible()) && (await page.getByTestId('player-play').isEnabled())) {
      await page.getByTestId('player-play').click();
    }
    await page.waitForFunction(
      () =>
        document.querySelector('[data-testid="story-over"]') ||
        document.querySelector('[data-testid="checkpoint"][data-state="open"]') ||
        document.querySelector('[data-testid="scenario-player"][data-phase="idle"]'),
      undefined,
      { timeout: 30_000 },
    );
  }
  await page.getByTestId('story-over').waitFor({ timeout: 30_000 });
}
