// Browser tests of issue #20, "finding things": the region hierarchy on the catalogue, filters
// folded behind one "Filters (n)" control on a phone (results on the first screen), the plain
// reason line with price, date and place on /leervraag. Phone at 390 px and desktop at 1280 px.
import fs from 'node:fs';
import path from 'node:path';
import { ARTIFACTS, firstNumber, formatViolations, liveRegionText, openPage, runAxe, sleep } from './lib.mjs';

const PHONE = { width: 390, height: 844 };
const DESKTOP = { width: 1280, height: 900 };
// The wijkagent's selection of journey 2.
const WIJKAGENT = '/aanbod?thema=jeugd-en-veiligheid&doelgroep=wijkprofessionals&regio=Noord-Brabant';

/** Screenshots of the pages this part changed, named with `suffix` ('voor' or 'na'). */
export async function findingShots(browser, base, suffix) {
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  const files = [];
  for (const [label, viewport] of [['telefoon', PHONE], ['desktop', DESKTOP]]) {
    const { page, close } = await openPage(browser, base, { viewport });
    try {
      await page.goto(new URL(WIJKAGENT, base).href, { waitUntil: 'load' });
      const file = path.join(ARTIFACTS, `finding-aanbod-${label}-${suffix}.png`);
      await page.screenshot({ path: file, fullPage: false });
      files.push(file);
    } finally {
      await close();
    }
  }
  return files;
}

async function axeClean(results, page, name) {
  const v = await runAxe(page);
  results.check(v.length === 0, `${name}: axe 0 overtredingen`, formatViolations(v));
}

/** The checks; `results` is the suite's Results. */
export async function findingRun(browser, base, results) {
  console.log('\n# vinden: regio, filters op de telefoon, uitleg in gewone taal');
  // Phone: filters folded, results on the first screen, the count of active filters shown.
  {
    const name = 'vinden telefoon';
    const { page, close } = await openPage(browser, base, { viewport: PHONE });
    try {
      await page.goto(new URL(WIJKAGENT, base).href, { waitUntil: 'load' });
      const toggle = page.locator('summary.ww-filters__toggle');
      results.check(await toggle.isVisible(), `${name}: één knop "Filters"`);
      const text = (await toggle.innerText()).trim();
      results.check(/^Filters \(3\)/.test(text), `${name}: knop telt 3 actieve filters`, text);
      const count = firstNumber(await liveRegionText(page));
      results.check(count !== null && count > 0, `${name}: selectie van de wijkagent vindt aanbod (regio omvat landelijk en online)`, String(count));
      // The results section starts on the first screen (the first card follows the count and
      // the active-filter chips; the site header and intro above take about 480 px).
      const start = await page.locator('#resultaten-kop').boundingBox();
      results.check(start !== null && start.y < PHONE.height, `${name}: resultaten beginnen binnen het eerste scherm`, JSON.stringify(start));
      results.check(!(await page.locator('input[name="thema"]').first().isVisible()), `${name}: filters zijn ingeklapt`);
      await axeClean(results, page, name);
      // Keyboard: open the filters with Enter on the control.
      await toggle.focus();
      await page.keyboard.press('Enter');
      results.check(await page.locator('#f-ook-landelijk').isVisible(), `${name}: Enter opent de filters met "Ook landelijk en online aanbod"`);
      await axeClean(results, page, `${name} (filters open)`);
    } catch (e) {
      results.fail(`${name}: test kon niet draaien`, e.stack || String(e));
    } finally {
      await close();
    }
  }
  // Desktop: unchanged, the filters are shown beside the results without a toggle.
  {
    const name = 'vinden desktop';
    const { page, close } = await openPage(browser, base, { viewport: DESKTOP });
    try {
      await page.goto(new URL(WIJKAGENT, base).href, { waitUntil: 'load' });
      results.check(!(await page.locator('summary.ww-filters__toggle').isVisible()), `${name}: geen knop "Filters"`);
      results.check(await page.locator('input[name="thema"]').first().isVisible(), `${name}: filters staan open`);
      await axeClean(results, page, name);
    } catch (e) {
      results.fail(`${name}: test kon niet draaien`, e.stack || String(e));
    } finally {
      await close();
    }
  }
  // Without JavaScript on a phone: open the filters, untick "ook landelijk en online", apply.
  {
    const name = 'vinden zonder JS';
    const { page, close } = await openPage(browser, base, { viewport: PHONE, javaScriptEnabled: false });
    try {
      await page.goto(new URL('/aanbod?regio=Noord-Brabant', base).href, { waitUntil: 'load' });
      const before = firstNumber(await liveRegionText(page));
      await page.locator('summary.ww-filters__toggle').click();
      const box = page.locator('#f-ook-landelijk');
      results.check(await box.isChecked(), `${name}: "ook landelijk en online" staat standaard aan`);
      await box.uncheck();
      await Promise.all([
        page.waitForURL((u) => u.searchParams.getAll('ookLandelijk').length > 0, { timeout: 10_000 }),
        page.getByRole('button', { name: 'Filters toepassen' }).first().click(),
      ]);
      const after = firstNumber(await liveRegionText(page));
      results.check(before !== null && after !== null && after > 0 && after < before,
        `${name}: zonder landelijk en online minder resultaten`, `${before} → ${after}`);
      const regions = await page.locator('.ww-results .ww-meta').allInnerTexts();
      results.check(regions.every((t) => !/^Online$/m.test(t)), `${name}: geen online aanbod meer`, regions.join(' | '));
      await page.locator('summary.ww-filters__toggle').click();
      results.check(!(await page.locator('#f-ook-landelijk').isChecked()), `${name}: vinkje blijft uit`);
    } catch (e) {
      results.fail(`${name}: test kon niet draaien`, e.stack || String(e));
    } finally {
      await close();
    }
  }
  // /leervraag as a resident: one plain line per result with price, date and place.
  {
    const name = 'vinden leervraag bewoner';
    const { page, close } = await openPage(browser, base, { viewport: PHONE });
    try {
      await page.goto(new URL('/leervraag', base).href);
      await sleep(2500); // the form refuses submissions faster than a person could fill it in
      await page.fill('#vraag', 'Ik krijg elke ochtend last van drugs dealen in ons portiek, wat kan ik doen');
      await page.selectOption('#doelgroep', 'bewoners');
      await page.getByRole('button', { name: 'Verstuur je vraag' }).click();
      await page.waitForLoadState('load');
      const cards = page.locator('.ww-results > li');
      const n = await cards.count();
      if (results.check(n > 0, `${name}: resultaten getoond`)) {
        const why = await cards.first().locator('.ww-why').innerText();
        results.check(/^(Gratis \S+|\S+ van € [\d.,]+) voor .+, .+/.test(why), `${name}: één zin in gewone taal`, why);
        const meta = await cards.first().locator('ul[aria-label="Prijs, datum en plaats"] li').allInnerTexts();
        results.check(meta.length === 3, `${name}: prijs, datum en plaats`, meta.join(' | '));
      }
      const text = await page.locator('main').innerText();
      results.check(!/Komt overeen op|krijgen|elke|ochtend/.test(text.replace(/Ik krijg elke ochtend[^\n]*/, '')),
        `${name}: geen losse of lege woorden als uitleg`, text.slice(0, 600));
      const zoek = await page.getByRole('link', { name: 'Zelf zoeken in het aanbod' }).getAttribute('href');
      results.check(/voor=bewoners/.test(zoek || ''), `${name}: zoeken onthoudt "Ik ben bewoner"`, zoek);
      await axeClean(results, page, name);
      fs.mkdirSync(ARTIFACTS, { recursive: true });
      await page.screenshot({ path: path.join(ARTIFACTS, 'finding-leervraag-telefoon-na.png'), fullPage: true });
    } catch (e) {
      results.fail(`${name}: test kon niet draaien`, e.stack || String(e));
    } finally {
      await close();
    }
  }
  try {
    const files = await findingShots(browser, base, 'na');
    results.pass(`screenshots ${files.map((f) => path.basename(f)).join(', ')}`);
  } catch (e) {
    results.fail('vinden: screenshots', String(e));
  }
}
