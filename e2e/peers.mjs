// Browser test of "anderen met dezelfde vraag": the consent on /leervraag reached and ticked by
// keyboard alone, axe on the form and on the result, and a second asker who sees the first one
// explained without a name.
import { activeElement, formatViolations, openPage, runAxe, sleep, tabUntil } from './lib.mjs';

const VRAAG = 'Er komen veel arbeidsmigranten in onze straat wonen. Hoe kunnen we arbeidsmigranten verwelkomen in de buurt?';

async function ask(browser, base, results, name, { email, gemeente, naam }) {
  const { page, close } = await openPage(browser, base);
  try {
    await page.goto(new URL('/leervraag', base).href);
    await sleep(2500); // the form refuses submissions faster than a person could fill it in
    await page.fill('#vraag', VRAAG);
    await page.selectOption('#doelgroep', 'bewoners');
    await page.fill('#gemeente', gemeente);
    await page.fill('#email', email);
    await page.check('#toestemming');
    results.check(!(await page.isChecked('#contact')), `${name}: contact staat standaard uit`);
    await page.focus('#toestemming');
    const el = await tabUntil(page, (e) => e.id === 'contact', 20);
    results.check(el !== null, `${name}: vinkje 'in contact komen' bereikbaar met Tab`);
    await page.keyboard.press('Space');
    results.check(await page.isChecked('#contact'), `${name}: vinkje aan met de spatiebalk`);
    if (naam) await page.fill('#contact_naam', naam);
    await page.check('#contact_gemeente');
    await page.check('#contact_rol');
    const v = await runAxe(page);
    results.check(v.length === 0, `${name}: axe 0 overtredingen op het formulier met toestemming`, formatViolations(v));
    await page.focus('#contact_gemeente');
    const button = await tabUntil(page, (e) => e.tag === 'button' || /Verstuur/.test(e.text || ''), 20);
    results.check(button !== null, `${name}: verstuurknop bereikbaar met Tab`, JSON.stringify(await activeElement(page)));
    const sent = page.waitForNavigation({ waitUntil: 'load' });
    await page.keyboard.press('Enter');
    await sent;
    const text = await page.locator('main').innerText();
    const r = await runAxe(page);
    results.check(r.length === 0, `${name}: axe 0 overtredingen op de bevestiging`, formatViolations(r));
    return text;
  } finally {
    await close();
  }
}

export async function run(browser, base, results) {
  console.log('\n# anderen met dezelfde vraag: toestemming en voorstellen');
  try {
    const first = await ask(browser, base, results, 'peer 1', { email: 'peer1@voorbeeld.nl', gemeente: 'Venlo', naam: 'Anna Peereboom' });
    results.check(first.includes('Anderen met dezelfde vraag'), 'peer 1: kopje anderen met dezelfde vraag', first.slice(0, 500));
    const second = await ask(browser, base, results, 'peer 2', { email: 'peer2@voorbeeld.nl', gemeente: 'Hengelo' });
    results.check(second.includes('Ook gesteld door een bewoner') && second.includes('in Venlo'), 'peer 2: ziet de eerste vrager met uitleg', second.slice(0, 800));
    results.check(!second.includes('Anna Peereboom') && !second.includes('peer1@voorbeeld.nl'), 'peer 2: geen naam of e-mailadres van de ander');
  } catch (e) {
    results.fail('peers: test kon niet draaien', e.stack || String(e));
  }
}
