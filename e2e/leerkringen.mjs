// Browser test of the learning circles (issue #18): a participant starts a circle with the
// guided form (the single-sector notice first), the coordinator approves it, the public page
// with its meeting in .ics, and a result proposed, approved and found in the catalogue search.
// Axe on every page; the start link is reached with the keyboard; the start form is sent once
// more without JavaScript.
import { openPage, sleep, tabUntil } from './lib.mjs';

/** Runs the walk; `ctx` holds the suite's shared pieces. */
export async function run(ctx) {
  const { browser, base, mailDir, results, axeHere, login, waitForMail, coordinatorEmail } = ctx;
  console.log('\n# leerkringen');
  const name = 'leerkringen';
  const email = 'kring@e2e.example';
  const titel = 'E2E leerkring wijkaanpak volhouden';
  const resultaat = 'E2E handreiking volhouden van de wijkaanpak';
  const { context, page, close } = await openPage(browser, base);
  try {
    // Sign in to Mijn WijkWijzer by link.
    await page.goto(new URL('/mijn', base).href);
    await sleep(2200);
    await page.fill('#email', email);
    await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Stuur mij een link' }).click()]);
    const linkMail = await waitForMail(mailDir, (m) => m.text.includes('/mijn/inloggen/') && m.headers.includes(email), 30_000);
    const link = linkMail && /https?:\/\/\S+\/mijn\/inloggen\/[0-9a-f]{64}/.exec(linkMail.text)?.[0];
    if (!results.check(!!link, `${name}: inloglink in de mail`, mailDir)) return;
    await page.goto(link);
    await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Bevestigen en inloggen' }).click()]);

    // The list, and the start link reached with the keyboard (in a browser with JavaScript,
    // which the keyboard check reads the focus with).
    {
      const kb = await openPage(browser, base);
      try {
        await kb.page.goto(new URL('/leerkringen', base).href);
        await axeHere(kb.page, `${name}: lijst`);
        const start = await tabUntil(kb.page, (el) => el.tag === 'a' && /Zelf een leerkring starten/.test(el.text), 200);
        if (results.check(!!start, `${name}: Tab bereikt "Zelf een leerkring starten"`, kb.page.url())) {
          await Promise.all([kb.page.waitForNavigation(), kb.page.keyboard.press('Enter')]);
          results.check(new URL(kb.page.url()).pathname === '/leerkringen/starten', `${name}: Enter opent het formulier`, kb.page.url());
        }
      } finally {
        await kb.close();
      }
    }
    await page.goto(new URL('/leerkringen/starten', base).href);
    await axeHere(page, `${name}: formulier starten`);

    // One sector: pointed out first (function 3), then confirmed.
    const fill = async () => {
      await page.fill('#titel', titel);
      await page.fill('#omschrijving', 'Beleidsmakers uit kleine gemeenten leren hoe een wijkaanpak vijftien jaar blijft lopen.');
      await page.fill('#leervragen', 'Hoe houden we de wijkaanpak vol?\nWie betaalt mee als de subsidie stopt?');
      await page.check('#thema-langjarige-wijkaanpak');
      await page.selectOption('#vraagstuk', 'wijkaanpak-lange-termijn');
      await page.check('#doelgroep-beleidsmakers');
      await page.check('#sector-sociaal-domein');
      await page.selectOption('#vorm', 'intervisie');
      await page.fill('#ritme', 'elke zes weken');
      await page.fill('#looptijd', 'een jaar');
      await page.fill('#begeleiding', 'ik');
      await page.check('#toegang-open');
      await page.fill('#naam', 'Fatima Bakker');
      await page.check('#zichtbaar');
    };
    await fill();
    let [res] = await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Leerkring starten' }).click()]);
    await axeHere(page, `${name}: melding één sector`, 422, res?.status());
    results.check((await page.locator('[role=alert]').first().innerText()).includes('één sector'), `${name}: formulier wijst op één sector`, '');
    await page.check('#een_sector');
    [res] = await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Leerkring starten' }).click()]);
    await axeHere(page, `${name}: ontvangen`, 200, res?.status());
    results.check((await page.locator('h1').innerText()).includes('Je leerkring is ontvangen'), `${name}: leerkring ontvangen`, '');

    // The same form works without JavaScript (a second circle, same session).
    {
      const nojs = await openPage(browser, base, { javaScriptEnabled: false, storageState: await context.storageState() });
      try {
        await nojs.page.goto(new URL('/leerkringen/starten', base).href);
        const p = nojs.page;
        await p.fill('#titel', `${titel} zonder JavaScript`);
        await p.fill('#omschrijving', 'Dezelfde stappen, zonder JavaScript.');
        await p.fill('#leervragen', 'Werkt het formulier zonder JavaScript?');
        await p.check('#thema-langjarige-wijkaanpak');
        await p.check('#doelgroep-bewoners');
        await p.check('#sector-wonen');
        await p.check('#sector-zorg');
        await p.selectOption('#vorm', 'werkbezoek');
        await p.fill('#ritme', 'maandelijks');
        await p.fill('#looptijd', 'een half jaar');
        await p.fill('#begeleiding', 'ik');
        await p.check('#toegang-uitnodiging');
        await p.fill('#naam', 'Fatima Bakker');
        await Promise.all([p.waitForNavigation(), p.getByRole('button', { name: 'Leerkring starten' }).click()]);
        results.check((await p.locator('h1').innerText()).includes('Je leerkring is ontvangen'), `${name}: starten werkt zonder JavaScript`, p.url());
      } finally {
        await nojs.close();
      }
    }

    // Moderation.
    const coordinator = await login(browser, base, coordinatorEmail);
    let slug = null;
    try {
      await coordinator.page.goto(new URL('/beheer/leerkringen/clusters', base).href);
      await axeHere(coordinator.page, `${name}: beheer clusters van open vragen`);
      await coordinator.page.goto(new URL('/beheer/leerkringen', base).href);
      await axeHere(coordinator.page, `${name}: beheer lijst`);
      await Promise.all([coordinator.page.waitForNavigation(), coordinator.page.getByRole('link', { name: titel }).first().click()]);
      await axeHere(coordinator.page, `${name}: beheer beoordelen`);
      await coordinator.page.selectOption('#lacune', 'langjarige-wijkaanpak');
      await Promise.all([coordinator.page.waitForNavigation(), coordinator.page.getByRole('button', { name: 'Goedkeuren en op de site zetten' }).click()]);
      const href = await coordinator.page.getByRole('link', { name: 'Openbare pagina' }).getAttribute('href');
      slug = href?.split('/').pop();
    } catch (e) {
      results.fail(`${name}: coördinator keurt de leerkring goed`, e.stack || String(e));
    } finally {
      await coordinator.close();
    }
    if (!results.check(!!slug, `${name}: leerkring goedgekeurd`, '')) return;

    // Public page; the facilitator adds a meeting; it is in the .ics.
    await page.goto(new URL(`/leerkringen/${slug}`, base).href);
    await axeHere(page, `${name}: openbare pagina`);
    results.check((await page.locator('main').innerText()).includes('Fatima Bakker'), `${name}: begeleider genoemd (met toestemming)`, '');
    await page.goto(new URL(`/leerkringen/${slug}/bewerken`, base).href);
    await axeHere(page, `${name}: leerkring bewerken`);
    await page.fill('#ritme', 'elke vier weken');
    await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Wijzigingen opslaan' }).click()]);
    results.check(new URL(page.url()).searchParams.get('melding') === 'bewerkt', `${name}: begeleider bewerkt de leerkring`, page.url());
    await page.goto(new URL(`/leerkringen/${slug}/leden`, base).href);
    await axeHere(page, `${name}: ledenpagina`);
    const day = new Date(Date.now() + 21 * 86_400_000).toISOString().slice(0, 10);
    await page.fill('#bijeenkomst-datum', day);
    await page.fill('#bijeenkomst-tijd', '19:30');
    await page.fill('#bijeenkomst-titel', 'Eerste casusbespreking');
    await page.fill('#bijeenkomst-plaats', 'Online');
    await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Bijeenkomst toevoegen' }).click()]);
    results.check((await page.locator('main').innerText()).includes('Eerste casusbespreking'), `${name}: bijeenkomst op de ledenpagina`, '');
    const ics = await (await fetch(new URL(`/leerkringen/${slug}/bijeenkomsten.ics`, base))).text();
    results.check(ics.includes('BEGIN:VEVENT') && ics.includes('SUMMARY:Eerste casusbespreking'), `${name}: bijeenkomst in .ics`, ics.slice(0, 400));

    // A result, proposed and approved, is found in the catalogue search.
    await publishResult(ctx, page, slug, { name, titel: resultaat, query: 'handreiking volhouden wijkaanpak' });
  } catch (e) {
    results.fail(`${name}: test kon niet draaien`, e.stack || String(e));
  } finally {
    await close();
  }
}

/**
 * The facilitator on `page` proposes a result of circle `slug`; the coordinator approves it; it
 * is found in the catalogue search with `query` and names the circle as its origin.
 */
export async function publishResult({ base, results, axeHere, login, coordinatorEmail, browser }, page, slug, { name, titel, query }) {
  await page.goto(new URL(`/leerkringen/${slug}/resultaat`, base).href);
  await axeHere(page, `${name}: resultaat voorstellen`);
  await page.fill('#titel', titel);
  await page.fill('#samenvatting', 'Wat de deelnemers in de leerkring leerden, voor anderen die hetzelfde willen.');
  await page.fill('#beschrijving', 'Lessen en valkuilen uit de leerkring.');
  await page.selectOption('#vorm', 'publicatie');
  await page.fill('#kosten', 'gratis');
  await page.selectOption('#locatie', 'online');
  await page.selectOption('#regio', 'landelijk');
  await page.fill('#url', 'https://e2e.example/resultaat');
  // The form starts from the circle's themes, groups and sectors; where the circle has none
  // (a circle the coordinator proposed to askers who named no sector), the facilitator picks one.
  for (const prefix of ['thema', 'doelgroep', 'sector']) {
    const boxes = page.locator(`input[type=checkbox][id^="${prefix}-"]`);
    if ((await page.locator(`input[type=checkbox][id^="${prefix}-"]:checked`).count()) === 0) await boxes.first().check();
  }
  const [res] = await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Resultaat voorstellen' }).click()]);
  if (!results.check(new URL(page.url()).searchParams.get('melding') === 'resultaat', `${name}: resultaat voorgesteld`, `${res?.status()} ${page.url()} ${await page.locator('[role=alert]').allInnerTexts()}`)) return;
  const coordinator = await login(browser, base, coordinatorEmail);
  try {
    await coordinator.page.goto(new URL('/beheer/aanmeldingen', base).href);
    await Promise.all([coordinator.page.waitForNavigation(), coordinator.page.getByRole('link', { name: titel }).first().click()]);
    await axeHere(coordinator.page, `${name}: resultaat beoordelen`);
    results.check((await coordinator.page.locator('main').innerText()).includes('resultaat van de leerkring'), `${name}: moderatie toont de leerkring als herkomst`, '');
    const dubbel = coordinator.page.locator('#geen_dubbel');
    if (await dubbel.count()) await dubbel.check();
    await Promise.all([coordinator.page.waitForNavigation(), coordinator.page.getByRole('button', { name: 'Goedkeuren en publiceren' }).click()]);
  } catch (e) {
    results.fail(`${name}: coördinator keurt het resultaat goed`, e.stack || String(e));
  } finally {
    await coordinator.close();
  }
  await page.goto(new URL(`/aanbod?q=${encodeURIComponent(query)}`, base).href);
  const link = page.getByRole('link', { name: titel }).first();
  if (results.check((await link.count()) > 0, `${name}: resultaat gevonden in het zoeken`, '')) {
    await Promise.all([page.waitForNavigation(), link.click()]);
    await axeHere(page, `${name}: aanbodpagina met herkomst`);
    results.check((await page.locator('main').innerText()).includes('Gemaakt door de leerkring'), `${name}: aanbod noemt de leerkring`, '');
  }
}
