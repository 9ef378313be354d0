#!/usr/bin/env node
// Browser tests of the public website: axe (WCAG 2.0/2.1/2.2 A+AA) on every page type,
// page structure, no third-party requests, 320 px reflow, a keyboard-only run,
// the catalogue without JavaScript, and screenshots in e2e/artifacts/.
//
//   node e2e/run.mjs                 starts target/release/wijkwijzer itself (see README)
//   WIJKWIJZER_BIN=path node e2e/run.mjs
//   E2E_BASE_URL=http://127.0.0.1:8080 node e2e/run.mjs   test a server that is already running
//
// Exit code 0 only when every check passes.
import fs from 'node:fs';
import * as leerkringen from './leerkringen.mjs';
import * as circleProposal from './circle_proposal.mjs';
import path from 'node:path';
import {
  ARTIFACTS,
  E2E_ACCOUNTS,
  E2E_PASSWORD,
  MOBILE_WIDTH,
  Results,
  activeElement,
  firstNumber,
  formatViolations,
  getJson,
  landmarkCounts,
  launchBrowser,
  liveRegionText,
  openPage,
  pageStructure,
  runAxe,
  sleep,
  startServer,
  statusOf,
  tabUntil,
  totp,
} from './lib.mjs';
import { run as peersRun } from './peers.mjs';
import { findingRun } from './finding.mjs';

const results = new Results();

// Pages that other issues add: tested when the server answers 200, otherwise OVERGESLAGEN.
const OPTIONAL_PAGES = [
  '/leervraag',
  '/leeragenda',
  '/lacunes',
  '/lacunes/wijkaanpak-lange-termijn',
  '/ontwikkeltrajecten',
  '/contact',
  '/aanbod/aanmelden',
  '/beheer/inloggen',
];

const isOfferingDetail = (pathname) =>
  /^\/aanbod\/[^/]+$/.test(pathname) && pathname !== '/aanbod/aanmelden';

async function discover(base) {
  const aanbod = await getJson(base, '/api/v1/aanbod?pageSize=1');
  const themas = await getJson(base, '/api/v1/themas');
  const aanbieders = await getJson(base, '/api/v1/aanbieders');
  const pick = (x) => (Array.isArray(x) ? x : x.resultaten || x.items || x.data || []);
  const offeringId = aanbod?.resultaten?.[0]?.id;
  const themeSlug = pick(themas)[0]?.slug;
  const providerSlug = pick(aanbieders)[0]?.slug;
  if (!offeringId || !themeSlug || !providerSlug) {
    throw new Error(
      `could not discover ids via the API (offering=${offeringId}, thema=${themeSlug}, aanbieder=${providerSlug})`,
    );
  }
  return { offeringId, themeSlug, providerSlug };
}

async function pageList(base, ids) {
  const enc = encodeURIComponent;
  const pages = [
    { path: '/', status: 200 },
    { path: '/themas', status: 200 },
    { path: `/themas/${enc(ids.themeSlug)}`, status: 200 },
    { path: '/aanbod', status: 200 },
    { path: `/aanbod?q=wijk&thema=${enc(ids.themeSlug)}`, status: 200 },
    { path: '/aanbod?q=zzzzqqq', status: 200 },
    { path: `/aanbod/${enc(ids.offeringId)}`, status: 200 },
    { path: '/aanbieders', status: 200 },
    { path: `/aanbieders/${enc(ids.providerSlug)}`, status: 200 },
    { path: '/agenda', status: 200 },
    { path: '/privacy', status: 200 },
    { path: '/open-data', status: 200 },
    { path: '/aanbod?thema=bestaat-niet&aanbieder=ook-niet', status: 200 },
    { path: '/toegankelijkheid', status: 200 },
    { path: '/over', status: 200 },
    { path: '/mijn', status: 200 },
    { path: `/mijn/volgen?thema=${enc(ids.themeSlug)}`, status: 200 },
    { path: '/mijn/volgen?zoek=q%3Dwijk', status: 200 },
    { path: '/bestaat-niet', status: 404 },
  ];
  for (const p of OPTIONAL_PAGES) {
    const status = await statusOf(base, p);
    if (status === 200) pages.push({ path: p, status: 200 });
    else results.skip(p, `de server antwoordt ${status}, nog niet gebouwd`);
  }
  return pages;
}

/** All per-page checks for one URL. */
async function checkPage(browser, base, { path: p, status: expected }, contextOptions = {}) {
  console.log(`\n# ${p}`);
  const { page, foreign, badResponses, cspErrors, pageErrors, consoleErrors, close } = await openPage(browser, base, contextOptions);
  try {
    const res = await page.goto(new URL(p, base).href, { waitUntil: 'load' });
    const status = res ? res.status() : null;
    results.check(status === expected, `${p}: HTTP ${expected}`, `kreeg ${status}`);

    const s = await pageStructure(page);
    results.check(s.lang === 'nl', `${p}: <html lang="nl">`, `lang=${JSON.stringify(s.lang)}`);
    results.check(s.h1 === 1, `${p}: precies één <h1>`, `${s.h1} h1-elementen: ${s.h1Text}`);
    results.check(s.themeApplied, `${p}: thema-CSS actief (--ww-color-primary gezet)`,
      'class "ww-theme" ontbreekt op <html>/<body> of de stylesheet laadde niet');

    const lm = await landmarkCounts(page);
    results.check(lm.main === 1, `${p}: één main-landmark`, `main=${lm.main}`);
    results.check(lm.banner === 1, `${p}: één banner (<header>)`, `banner=${lm.banner}`);
    results.check(lm.contentinfo === 1, `${p}: één contentinfo (<footer>)`, `contentinfo=${lm.contentinfo}`);

    // Skip link: the first Tab stop, pointing at the main landmark.
    await page.keyboard.press('Tab');
    const first = await activeElement(page);
    const targets = new Set(['#main']);
    if (s.mainId) targets.add(`#${s.mainId}`);
    const okSkip = !!first && first.tag === 'a' && targets.has(first.href);
    results.check(okSkip, `${p}: skiplink is eerste focusbare element (→ #main)`,
      `eerste focus: ${JSON.stringify(first)}; main id=${JSON.stringify(s.mainId)}`);
    if (okSkip) {
      const targetExists = await page.evaluate((h) => !!document.getElementById(h.slice(1)), first.href);
      results.check(targetExists, `${p}: doel van de skiplink bestaat`, `${first.href} niet gevonden`);
    }

    const violations = await runAxe(page);
    results.check(violations.length === 0, `${p}: axe 0 overtredingen`, formatViolations(violations));

    // Reflow at 320 CSS px.
    await page.setViewportSize({ width: MOBILE_WIDTH, height: 800 });
    await page.waitForTimeout(50);
    const sw = await page.evaluate(() => document.documentElement.scrollWidth);
    let wideDetail = `scrollWidth=${sw}`;
    if (sw > MOBILE_WIDTH) {
      const culprits = await page.evaluate((w) => {
        const out = [];
        for (const el of document.querySelectorAll('body *')) {
          const r = el.getBoundingClientRect();
          if (r.right > w + 0.5 && r.width > 0) {
            const id = el.id ? `#${el.id}` : '';
            const cls = el.classList.length ? `.${[...el.classList].join('.')}` : '';
            out.push(`${el.tagName.toLowerCase()}${id}${cls} right=${Math.round(r.right)}`);
          }
          if (out.length >= 8) break;
        }
        return out;
      }, MOBILE_WIDTH);
      wideDetail += `; te breed: ${culprits.join(', ')}`;
    }
    results.check(sw <= MOBILE_WIDTH, `${p}: geen horizontale scroll op ${MOBILE_WIDTH}px`, wideDetail);

    results.check(foreign.length === 0, `${p}: geen verzoeken naar andere hosts`, foreign.join('\n'));
    results.check(badResponses.length === 0, `${p}: alle bronnen laden (geen 4xx/5xx)`, badResponses.join('\n'));
    results.check(cspErrors.length === 0, `${p}: geen CSP-overtredingen`, cspErrors.join('\n'));
    results.check(pageErrors.length === 0, `${p}: geen JavaScript-fouten`, pageErrors.join('\n'));
    // Other console errors (e.g. "Failed to load resource" for the 404 page itself) are only reported.
    if (consoleErrors.length) console.log(`  (console: ${consoleErrors.join(' | ')})`);
  } catch (e) {
    results.fail(`${p}: test kon niet draaien`, e.stack || String(e));
  } finally {
    await close();
  }
}

/** Search → filter → result → detail with the keyboard only. */
async function keyboardRun(browser, base) {
  console.log('\n# toetsenbord: zoeken → filteren → resultaat → detail');
  const { page, close } = await openPage(browser, base);
  const name = 'toetsenbord';
  try {
    await page.goto(new URL('/', base).href);
    const box = await tabUntil(
      page,
      (el) => el.tag === 'input' && (el.name === 'q' || el.type === 'search'),
      60,
    );
    if (!results.check(!!box, `${name}: Tab bereikt het zoekveld op /`, 'geen input[name=q] of [type=search] gevonden')) return;

    await page.keyboard.type('ondermijning');
    await Promise.all([page.waitForURL((u) => u.pathname === '/aanbod', { timeout: 10_000 }), page.keyboard.press('Enter')]);
    const u1 = new URL(page.url());
    results.check(u1.searchParams.get('q') === 'ondermijning', `${name}: Enter → /aanbod?q=ondermijning`, page.url());

    const cb = await tabUntil(page, (el) => el.tag === 'input' && el.type === 'checkbox', 200);
    if (!results.check(!!cb && !!cb.name, `${name}: Tab bereikt het eerste facet-vinkje`, JSON.stringify(cb))) return;
    const before = page.url();
    await page.keyboard.press('Space');
    const inUrl = (u) => new URL(u).searchParams.getAll(cb.name).includes(cb.value);
    // With JavaScript the form may submit itself on change; without, we use the button.
    let navigated = await page
      .waitForURL((u) => inUrl(u.href), { timeout: 2500 })
      .then(() => true)
      .catch(() => false);
    if (!navigated) {
      const checked = await page.evaluate(() => document.activeElement?.checked === true);
      results.check(checked, `${name}: spatie vinkt het facet aan`, `url=${page.url()}`);
      const btn = await tabUntil(
        page,
        (el) => (el.tag === 'button' || (el.tag === 'input' && el.type === 'submit')) && /Filters toepassen/i.test(el.text),
        300,
      );
      if (!results.check(!!btn, `${name}: Tab bereikt de knop "Filters toepassen"`, `vanaf ${before}`)) return;
      await Promise.all([page.waitForURL((u) => inUrl(u.href), { timeout: 10_000 }), page.keyboard.press('Enter')]);
      navigated = true;
    }
    results.check(inUrl(page.url()), `${name}: filter staat in de URL (${cb.name}=${cb.value})`, page.url());
    const stillChecked = await page
      .locator(`input[type="checkbox"][name="${cb.name}"][value="${cb.value}"]`)
      .first()
      .isChecked()
      .catch(() => false);
    results.check(stillChecked, `${name}: gekozen facet is aangevinkt na het filteren`, page.url());

    const link = await tabUntil(page, (el) => el.tag === 'a' && el.inMain && isOfferingDetail(el.pathname || ''), 400);
    if (!results.check(!!link, `${name}: Tab bereikt de eerste resultaatlink`, `op ${page.url()}`)) return;
    const [resp] = await Promise.all([
      page.waitForNavigation({ timeout: 10_000 }),
      page.keyboard.press('Enter'),
    ]);
    const u3 = new URL(page.url());
    results.check(isOfferingDetail(u3.pathname) && resp?.status() === 200,
      `${name}: Enter opent een aanbodpagina (${u3.pathname})`, `url=${page.url()} status=${resp?.status()}`);
  } catch (e) {
    results.fail(`${name}: test kon niet draaien`, e.stack || String(e));
  } finally {
    await close();
  }
}

/** The catalogue's filters work without JavaScript. */
async function noJsRun(browser, base) {
  console.log('\n# zonder JavaScript: catalogus filteren');
  const name = 'zonder JS';
  const { page, close } = await openPage(browser, base, { javaScriptEnabled: false });
  try {
    await page.goto(new URL('/aanbod', base).href);
    const countBefore = await liveRegionText(page);
    if (!results.check(countBefore !== null, `${name}: aria-live-resultaattelling op /aanbod`, 'geen element met aria-live in <main>')) return;
    const total = firstNumber(countBefore);

    // A theme whose count differs from the total, so the result count must change.
    const boxes = page.locator('main input[type="checkbox"][name="thema"]');
    const n = await boxes.count();
    if (!results.check(n > 0, `${name}: thema-vinkjes (name="thema") op /aanbod`, 'geen input[type=checkbox][name=thema]')) return;
    let chosen = 0;
    for (let i = 0; i < n; i += 1) {
      const id = await boxes.nth(i).getAttribute('id');
      const label = id ? await page.locator(`label[for="${id}"]`).first().innerText().catch(() => '') : '';
      const c = firstNumber(label.replace(/^[^(\d]*/, ''));
      if (c !== null && c > 0 && c !== total) {
        chosen = i;
        break;
      }
    }
    const box = boxes.nth(chosen);
    const value = await box.getAttribute('value');
    await box.check();
    await Promise.all([
      page.waitForURL((u) => u.searchParams.has('thema'), { timeout: 10_000 }),
      page.getByRole('button', { name: 'Filters toepassen' }).first().click(),
    ]);
    const url = new URL(page.url());
    results.check(url.searchParams.getAll('thema').includes(value), `${name}: URL bevat thema=${value}`, page.url());
    const countAfter = await liveRegionText(page);
    results.check(countAfter !== null && countAfter !== countBefore,
      `${name}: resultaattelling veranderde`, `voor: ${JSON.stringify(countBefore)} na: ${JSON.stringify(countAfter)}`);
    const checked = await page.locator(`main input[type="checkbox"][name="thema"][value="${value}"]`).first().isChecked();
    results.check(checked, `${name}: thema blijft aangevinkt`, page.url());
  } catch (e) {
    results.fail(`${name}: test kon niet draaien`, e.stack || String(e));
  } finally {
    await close();
  }
}

/** "Stel je leervraag": errors beside the fields, then a sent question; axe on both. */
async function questionFormRun(browser, base) {
  // The site ships no JavaScript, so this run is the same with it on; axe needs it to inspect.
  console.log('\n# stel je leervraag: fouten en versturen');
  const name = 'leervraag';
  const { page, close } = await openPage(browser, base);
  try {
    await page.goto(new URL('/leervraag', base).href);
    await sleep(2500); // the form refuses submissions faster than a person could fill it in
    await page.fill('#vraag', 'kort');
    await page.getByRole('button', { name: 'Verstuur je vraag' }).click();
    await page.waitForLoadState('load');
    const errorText = await page.locator('main').innerText();
    results.check(errorText.includes('Beschrijf je vraag in minstens 10 tekens.'), `${name}: foutmelding bij het veld`, errorText.slice(0, 300));
    results.check((await page.inputValue('#vraag')) === 'kort', `${name}: ingevulde tekst blijft staan`);
    let v = await runAxe(page);
    results.check(v.length === 0, `${name}: axe 0 overtredingen op de foutpagina`, formatViolations(v));
    await sleep(2500);
    await page.fill('#vraag', 'Er wordt gedeald in ons portiek. Wat kan ik als bewoner doen tegen drugs in de buurt?');
    await page.selectOption('#doelgroep', 'bewoners');
    await page.getByRole('button', { name: 'Verstuur je vraag' }).click();
    await page.waitForLoadState('load');
    const h1 = await page.locator('h1').innerText();
    results.check(h1.includes('Je leervraag is ontvangen'), `${name}: bevestiging na versturen`, h1);
    v = await runAxe(page);
    results.check(v.length === 0, `${name}: axe 0 overtredingen op de bevestiging`, formatViolations(v));
    // The three answers of the fit model, each worded honestly.
    const wordings = [
      ['passend', null, 'Dit aanbod past bij je vraag'],
      ['mogelijk', 'Hoe organiseer ik een buurtfeest voor de hele straat?', 'Dit aanbod gaat over je onderwerp, maar misschien niet over je vraag'],
      ['geen', 'Hoe repareer ik de ketting van mijn racefiets?', 'We vonden nog geen aanbod dat goed past'],
    ];
    const sentText = await page.locator('main').innerText();
    results.check(sentText.includes(wordings[0][2]), `${name}: passend gemeld als passend`, sentText.slice(0, 400));
    for (const [fit, vraag, wording] of wordings.slice(1)) {
      await page.goto(new URL('/leervraag', base).href);
      await sleep(2500);
      await page.fill('#vraag', vraag);
      await page.selectOption('#doelgroep', 'bewoners');
      await page.getByRole('button', { name: 'Verstuur je vraag' }).click();
      await page.waitForLoadState('load');
      const text = await page.locator('main').innerText();
      results.check(text.includes(wording), `${name}: ${fit} eerlijk verwoord`, text.slice(0, 400));
      for (const [other, , otherWording] of wordings) {
        if (other !== fit) results.check(!text.includes(otherWording), `${name}: ${fit} niet verwoord als ${other}`);
      }
      v = await runAxe(page);
      results.check(v.length === 0, `${name}: axe 0 overtredingen bij ${fit}`, formatViolations(v));
    }
  } catch (e) {
    results.fail(`${name}: test kon niet draaien`, e.stack || String(e));
  } finally {
    await close();
  }
}

/** Axe on the page the browser is on now (for pages reached by a POST). */
async function axeHere(page, label, expectedStatus, status) {
  if (expectedStatus !== undefined) results.check(status === expectedStatus, `${label}: HTTP ${expectedStatus}`, `kreeg ${status}`);
  const s = await pageStructure(page);
  results.check(s.h1 === 1, `${label}: precies één <h1>`, `${s.h1} h1-elementen: ${s.h1Text}`);
  const violations = await runAxe(page);
  results.check(violations.length === 0, `${label}: axe 0 overtredingen`, formatViolations(violations));
}

/** Logs in through the form; returns the page (still open) and its context. */
async function login(browser, base, email) {
  const { context, page, close } = await openPage(browser, base);
  await page.goto(new URL('/beheer/inloggen', base).href);
  await page.fill('#email', email);
  await page.fill('#wachtwoord', E2E_PASSWORD);
  await Promise.all([page.waitForNavigation(), page.click('button[type=submit]:has-text("Inloggen")')]);
  return { context, page, close };
}

/** Submits an offering with the public form (as a provider would), for the moderation pages. */
async function submitOffering(base) {
  const html = await (await fetch(new URL('/aanbod/aanmelden', base))).text();
  const token = /name="token" value="([^"]+)"/.exec(html)?.[1];
  await sleep(2200);
  const body = new URLSearchParams({
    token, titel: 'E2E praktijkdag buurtbemiddeling', samenvatting: 'Een praktijkdag over bemiddelen bij burenruzies.',
    beschrijving: 'Oefenen met acteurs.', aanbieder: 'Stichting E2E', partners: '', vorm: 'training',
    themas: 'vertrouwen-en-verbinding', doelgroepen: 'wijkprofessionals', sectoren: 'wonen', trefwoorden: 'burenruzie',
    kosten: 'gratis', locatie: 'online', regio: 'landelijk', startdatum: '', einddatum: '',
    url: 'https://e2e.example/dag', contact_naam: 'Test', contact_email: 'e2e@e2e.example', website: '',
  });
  const res = await fetch(new URL('/aanbod/aanmelden', base), { method: 'POST', body });
  return res.status;
}

/** The back office: login pages, every page per role (axe), error pages, and TOTP set-up. */
async function backOfficeRun(browser, base, ids, passwordLink) {
  console.log('\n# beheer');
  const [coordinator, redacteur, beheerder] = E2E_ACCOUNTS.map((a) => a[0]);
  results.check((await submitOffering(base)) === 200, 'beheer: aanbod aanmelden via het publieke formulier', '');

  // Login error page.
  {
    const { page, close } = await openPage(browser, base);
    try {
      await page.goto(new URL('/beheer/inloggen', base).href);
      await page.fill('#email', coordinator);
      await page.fill('#wachtwoord', 'fout wachtwoord');
      const [res] = await Promise.all([page.waitForNavigation(), page.click('button[type=submit]')]);
      await axeHere(page, 'beheer: fout bij inloggen', 401, res?.status());
    } finally {
      await close();
    }
  }

  const roles = [
    [coordinator, ['/beheer', '/beheer/vragen', '/beheer/vragen?status=nieuw', '/beheer/vragen?themas=koppeling', '/beheer/vragen/lv-demo-001?zoek=wijk',
      '/beheer/aanmeldingen', '/beheer/aanmeldingen/1', '/beheer/berichten', '/beheer/trajecten', '/beheer/trajecten/nieuw', '/beheer/trajecten/nieuw?thema=gemengde-wijken',
      '/beheer/logboek', '/beheer/privacy', '/beheer/tweestaps', '/beheer/peilingen']],
    [redacteur, ['/beheer', '/beheer/aanbod', '/beheer/aanbod/nieuw', `/beheer/aanbod/${encodeURIComponent(ids.offeringId)}`,
      '/beheer/aanbieders', `/beheer/aanbieders/${encodeURIComponent(ids.providerSlug)}`]],
  ];
  let peilingPath = null;
  for (const [email, paths] of roles) {
    const { context, page, close } = await login(browser, base, email);
    const ok = new URL(page.url()).pathname === '/beheer';
    results.check(ok, `beheer: ${email} logt in`, page.url());
    const storageState = await context.storageState();
    if (email === coordinator) {
      // A form with errors, reached by POST.
      await page.goto(new URL('/beheer/trajecten/nieuw', base).href);
      const [res] = await Promise.all([page.waitForNavigation(), page.click('button[type=submit]:has-text("Opslaan")')]);
      await axeHere(page, 'beheer: ontwikkeltraject met fouten', 422, res?.status());
      const alert = await page.locator('[role=alert]').count();
      results.check(alert > 0, 'beheer: foutmelding bovenaan met role=alert', '');
      // A valid track, then its edit page.
      await page.fill('#titel', 'E2E leerlijn');
      await page.fill('#doel', 'Nieuw aanbod voor een lacune.');
      await page.check('#thema-gemengde-wijken');
      await page.fill('#trekker', 'Stichting E2E');
      await Promise.all([page.waitForNavigation(), page.click('button[type=submit]:has-text("Opslaan")')]);
      results.check(/^\/beheer\/trajecten\/\d+$/.test(new URL(page.url()).pathname), 'beheer: ontwikkeltraject opgeslagen', page.url());
      await axeHere(page, 'beheer: ontwikkeltraject bewerken');
      // The themes of a question: none chosen gives an error beside the fieldset, then saved.
      await page.goto(new URL('/beheer/vragen/lv-demo-002', base).href);
      for (const box of await page.locator('input[name=thema]:checked').all()) await box.uncheck();
      const [themesRes] = await Promise.all([page.waitForNavigation(), page.click('button[type=submit]:has-text("Thema\'s opslaan")')]);
      await axeHere(page, 'beheer: thema\'s van een leervraag met fout', 422, themesRes?.status());
      results.check(await page.locator('#themas-fout').count() === 1, 'beheer: themafout naast de thema\'s', '');
      await page.check('#thema-gemengde-wijken');
      await Promise.all([page.waitForNavigation(), page.click('button[type=submit]:has-text("Thema\'s opslaan")')]);
      results.check(await page.locator('#thema-gemengde-wijken:checked').count() === 1, 'beheer: thema\'s van een leervraag opgeslagen', page.url());
      // A peiling of today, published from the back office, then its public pages.
      await page.goto(new URL('/beheer/peilingen', base).href);
      await axeHere(page, 'beheer: peilingen');
      await Promise.all([page.waitForNavigation(), page.click('button[type=submit]:has-text("Publiceer de peiling")')]);
      const published = new URL(page.url()).pathname;
      results.check(/^\/leeragenda\/peilingen\/\d{4}-\d{2}-\d{2}$/.test(published), 'beheer: peiling gepubliceerd', page.url());
      peilingPath = published;
      // An inventory round: a form with an error (axe), then opened; the agenda promotes it.
      await page.goto(new URL('/beheer/peilingen', base).href);
      const [roundRes] = await Promise.all([page.waitForNavigation(), page.click('button[type=submit]:has-text("Ronde openen")')]);
      await axeHere(page, 'beheer: ronde met fouten', 422, roundRes?.status());
      await page.fill('#label', 'E2E-ronde');
      await page.fill('#einddatum', '2099-12-31');
      await Promise.all([page.waitForNavigation(), page.click('button[type=submit]:has-text("Ronde openen")')]);
      results.check((await page.locator('th:has-text("E2E-ronde")').count()) === 1, 'beheer: ronde geopend', page.url());
    }
    await close();
    for (const p of paths) await checkPage(browser, base, { path: p, status: 200 }, { storageState });
  }

  if (peilingPath) await peilingRun(browser, base, peilingPath);
  else results.fail('peilingen', 'geen peiling gepubliceerd');

  if (passwordLink) await checkPage(browser, base, { path: passwordLink, status: 200 });
  else results.fail('beheer: eenmalige wachtwoordlink', 'user add gaf geen link');

  // A beheerder sets up TOTP at first login, then sees the mail and accounts page.
  {
    const { context, page, close } = await login(browser, base, beheerder);
    try {
      results.check(new URL(page.url()).pathname === '/beheer/tweestaps', 'beheer: beheerder moet tweestaps instellen', page.url());
      await axeHere(page, 'beheer: tweestaps instellen');
      const secret = (await page.locator('code.ww-secret').textContent()).trim();
      await page.fill('#code', totp(secret));
      await Promise.all([page.waitForNavigation(), page.click('button[type=submit]:has-text("aanzetten")')]);
      results.check(new URL(page.url()).pathname === '/beheer', 'beheer: na de code ingelogd', page.url());
      const storageState = await context.storageState();
      await close();
      await checkPage(browser, base, { path: '/beheer/mail', status: 200 }, { storageState });
      // The next login asks for the code.
      const next = await login(browser, base, beheerder);
      results.check(new URL(next.page.url()).pathname === '/beheer/inloggen/code', 'beheer: tweede keer vraagt om de code', next.page.url());
      await axeHere(next.page, 'beheer: inlogcode');
      await next.close();
    } catch (e) {
      results.fail('beheer: tweestaps', e.stack || String(e));
      await close();
    }
  }
}

/** The public pages of a peiling (axe on each) and its report printed to PDF by Chromium. */
async function peilingRun(browser, base, report) {
  const date = report.split('/').pop();
  for (const p of ['/leeragenda/peilingen', report, `/leeragenda/peilingen/vergelijk?van=${date}&tot=${date}`]) {
    await checkPage(browser, base, { path: p, status: 200 });
  }
  await checkPage(browser, base, { path: '/leeragenda/peilingen/2000-01-01', status: 404 });
  const { page, close } = await openPage(browser, base);
  try {
    await page.goto(new URL(report, base).href, { waitUntil: 'load' });
    await page.emulateMedia({ media: 'print' });
    const hidden = await page.evaluate(() => getComputedStyle(document.querySelector('.ww-header')).display === 'none'
      && getComputedStyle(document.querySelector('.ww-footer')).display === 'none');
    results.check(hidden, 'peiling: kop en voet niet afgedrukt', '');
    await page.setViewportSize({ width: 800, height: 1100 });
    await page.screenshot({ path: new URL(`./artifacts/peiling-${date}-print.png`, import.meta.url).pathname, fullPage: true });
    fs.mkdirSync(new URL('./artifacts/', import.meta.url), { recursive: true });
    const pdf = await page.pdf({ path: new URL(`./artifacts/peiling-${date}.pdf`, import.meta.url).pathname, format: 'A4', printBackground: true });
    results.check(pdf.length > 10000 && pdf.subarray(0, 5).toString() === '%PDF-', `peiling: als PDF afgedrukt (${pdf.length} bytes)`, '');
  } catch (e) {
    results.fail('peiling: afdrukken', e.stack || String(e));
  } finally {
    await close();
  }
}

/** The mails in the mail folder, oldest first: { headers, subject, text } with the plain-text part decoded. */
function readMails(dir) {
  if (!fs.existsSync(dir)) return [];
  const decode = (headers, body) => {
    const cte = /content-transfer-encoding:\s*([\w-]+)/i.exec(headers)?.[1]?.toLowerCase();
    if (cte === 'base64') return Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8');
    if (cte === 'quoted-printable') {
      const bytes = body.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/gi, (_, h) => `%${h}`);
      try {
        return decodeURIComponent(bytes.replace(/%(?![0-9A-F]{2})/gi, '%25'));
      } catch {
        return bytes;
      }
    }
    return body;
  };
  return fs.readdirSync(dir).filter((f) => f.endsWith('.eml')).sort().map((f) => {
    const raw = fs.readFileSync(path.join(dir, f), 'utf8');
    const split = raw.indexOf('\r\n\r\n');
    const headers = raw.slice(0, split).replace(/\r\n[ \t]+/g, ' ');
    const boundary = /boundary="?([^";\r\n]+)"?/i.exec(headers)?.[1];
    let text = raw.slice(split + 4);
    if (boundary) {
      for (const part of text.split(`--${boundary}`)) {
        const at = part.indexOf('\r\n\r\n');
        const ph = part.slice(0, at);
        if (/content-type:\s*text\/plain/i.test(ph)) text = decode(ph, part.slice(at + 4));
      }
    }
    const subject = /^subject:\s*(.*)$/im.exec(headers)?.[1] || '';
    return { file: f, headers, subject, text };
  });
}

async function waitForMail(dir, pred, timeoutMs = 60_000) {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    const m = readMails(dir).reverse().find(pred);
    if (m) return m;
    await sleep(500);
  }
  return null;
}

/**
 * Mijn WijkWijzer as a person walks it: follow a theme without an account (keyboard only),
 * the confirmation mail in the mail folder, confirm; a coordinator publishes an offering on the
 * theme and answers the person's question; the digest mail arrives with it; its one-click
 * unsubscribe works without signing in; the account page shows the answer; delete the account.
 */
async function mijnRun(browser, base, mailDir) {
  console.log('\n# Mijn WijkWijzer');
  const name = 'mijn';
  const theme = 'vertrouwen-en-verbinding';
  const email = 'volger@e2e.example';
  const vraag = 'Hoe organiseer ik als bewoner een buurtgesprek over vertrouwen in de wijk?';
  const titel = 'E2E training vertrouwen volgen';
  const { page, close } = await openPage(browser, base);
  try {
    // A question asked with the address before there is an account.
    {
      const html = await (await fetch(new URL('/leervraag', base))).text();
      const token = /name="token" value="([^"]+)"/.exec(html)?.[1];
      await sleep(2200);
      const body = new URLSearchParams({ token, vraag, doelgroep: 'bewoners', email, toestemming: 'ja', website: '' });
      const res = await fetch(new URL('/leervraag', base), { method: 'POST', body });
      results.check(res.status === 200, `${name}: leervraag met e-mailadres gesteld`, `status ${res.status}`);
    }
    // Follow the theme with the keyboard only.
    await page.goto(new URL(`/themas/${theme}`, base).href);
    const btn = await tabUntil(page, (el) => el.tag === 'button' && /Volg dit thema/.test(el.text), 200);
    if (!results.check(!!btn, `${name}: Tab bereikt de knop "Volg dit thema"`, page.url())) return;
    await Promise.all([page.waitForURL((u) => u.pathname === '/mijn/volgen'), page.keyboard.press('Enter')]);
    await axeHere(page, `${name}: volgen`);
    await sleep(2500);
    const field = await tabUntil(page, (el) => el.tag === 'input' && el.name === 'email', 50);
    if (!results.check(!!field, `${name}: Tab bereikt het e-mailveld`, '')) return;
    await page.keyboard.type(email);
    await tabUntil(page, (el) => el.tag === 'input' && el.name === 'toestemming', 10);
    await page.keyboard.press('Space');
    await tabUntil(page, (el) => el.tag === 'button' && /Volgen/.test(el.text), 10);
    const [sent] = await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')]);
    await axeHere(page, `${name}: kijk in je mail`, 200, sent?.status());
    results.check((await page.locator('h1').innerText()).includes('Kijk in je mail'), `${name}: bevestigingspagina na volgen`, '');

    const linkMail = await waitForMail(mailDir, (m) => m.text.includes('/mijn/inloggen/'), 30_000);
    if (!results.check(!!linkMail, `${name}: bevestigingsmail in de mailmap`, mailDir)) return;
    const link = /https?:\/\/\S+\/mijn\/inloggen\/[0-9a-f]{64}/.exec(linkMail.text)?.[0];
    results.check(!!link, `${name}: link in de bevestigingsmail`, linkMail.text.slice(0, 400));
    await page.goto(link);
    await axeHere(page, `${name}: e-mailadres bevestigen`);
    await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Bevestigen en inloggen' }).click()]);
    const u = new URL(page.url());
    results.check(u.pathname === '/mijn' && u.searchParams.get('melding') === 'gevolgd', `${name}: bevestigd en ingelogd`, page.url());
    await axeHere(page, `${name}: accountpagina`);
    const account = await page.locator('main').innerText();
    results.check(account.includes('Thema:') && account.includes(vraag), `${name}: accountpagina toont het thema en de eigen vraag`, account.slice(0, 400));

    // A coordinator publishes an offering on the theme.
    {
      const html = await (await fetch(new URL('/aanbod/aanmelden', base))).text();
      const token = /name="token" value="([^"]+)"/.exec(html)?.[1];
      await sleep(2200);
      const body = new URLSearchParams({
        token, titel, samenvatting: 'Een training over vertrouwen tussen bewoners en professionals.',
        beschrijving: 'Oefenen in de wijk.', aanbieder: 'Stichting E2E', partners: '', vorm: 'training',
        themas: theme, doelgroepen: 'wijkprofessionals', sectoren: 'wonen', trefwoorden: '',
        kosten: 'gratis', locatie: 'online', regio: 'landelijk', startdatum: '', einddatum: '',
        url: 'https://e2e.example/volgen', contact_naam: 'Test', contact_email: 'aanbieder@e2e.example', website: '',
      });
      await fetch(new URL('/aanbod/aanmelden', base), { method: 'POST', body });
    }
    const coordinator = await login(browser, base, E2E_ACCOUNTS[0][0]);
    try {
      await coordinator.page.goto(new URL('/beheer/aanmeldingen', base).href);
      await Promise.all([coordinator.page.waitForNavigation(), coordinator.page.getByRole('link', { name: titel }).first().click()]);
      await Promise.all([coordinator.page.waitForNavigation(), coordinator.page.getByRole('button', { name: 'Goedkeuren en publiceren' }).click()]);
    } catch (e) {
      results.fail(`${name}: coördinator publiceert aanbod`, e.stack || String(e));
    }
    const digest = await waitForMail(mailDir, (m) => m.text.includes(titel) && /Nieuw op WijkWijzer/.test(m.subject), 90_000);
    if (!results.check(!!digest, `${name}: overzichtsmail met het nieuwe aanbod komt aan`, readMails(mailDir).map((m) => m.subject).join(' | '))) {
      await coordinator.close();
      return;
    }
    results.check(/^List-Unsubscribe: <https?:\/\/[^>]+\/mijn\/afmelden\/\d+\/[0-9a-f]{64}>/im.test(digest.headers)
      && /^List-Unsubscribe-Post: List-Unsubscribe=One-Click/im.test(digest.headers), `${name}: List-Unsubscribe en List-Unsubscribe-Post (RFC 8058)`, digest.headers);
    // The coordinator answers the question.
    try {
      await coordinator.page.goto(new URL('/beheer/vragen', base).href);
      await Promise.all([coordinator.page.waitForNavigation(), coordinator.page.getByRole('link', { name: vraag }).first().click()]);
      await coordinator.page.fill('#antwoord', 'Begin met een kleine tafel op het plein; de training hieronder helpt.');
      await Promise.all([coordinator.page.waitForNavigation(), coordinator.page.getByRole('button', { name: /Antwoord mailen/ }).click()]);
    } catch (e) {
      results.fail(`${name}: coördinator beantwoordt de vraag`, e.stack || String(e));
    } finally {
      await coordinator.close();
    }
    await page.goto(new URL('/mijn', base).href);
    const withAnswer = await page.locator('main').innerText();
    results.check(withAnswer.includes('Begin met een kleine tafel op het plein'), `${name}: accountpagina toont het antwoord van de coördinator`, withAnswer.slice(0, 600));

    // One click, without signing in.
    const unsubscribe = /https?:\/\/\S+\/mijn\/afmelden\/\d+\/[0-9a-f]{64}/.exec(digest.text)?.[0];
    {
      const anon = await openPage(browser, base);
      try {
        await anon.page.goto(unsubscribe);
        await axeHere(anon.page, `${name}: afmelden`);
        await Promise.all([anon.page.waitForNavigation(), anon.page.getByRole('button', { name: 'Afmelden voor alle mail' }).click()]);
        await axeHere(anon.page, `${name}: afgemeld`);
        results.check((await anon.page.locator('h1').innerText()).includes('Je bent afgemeld'), `${name}: afmelden zonder inloggen`, anon.page.url());
      } finally {
        await anon.close();
      }
    }
    await page.goto(new URL('/mijn', base).href);
    results.check((await page.locator('main').innerText()).includes('Je volgt nog niets'), `${name}: na afmelden volgt de persoon niets meer`, '');

    // Delete the account.
    await page.check('#zeker');
    await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Verwijder mijn account' }).click()]);
    await axeHere(page, `${name}: account verwijderd`);
    results.check((await page.locator('h1').innerText()).includes('Je account is verwijderd'), `${name}: account verwijderd`, '');
    await page.goto(new URL('/mijn', base).href);
    results.check((await page.locator('main').innerText()).includes('Stuur mij een link'), `${name}: na verwijderen uitgelogd`, '');
  } catch (e) {
    results.fail(`${name}: test kon niet draaien`, e.stack || String(e));
  } finally {
    await close();
  }
}

async function screenshots(browser, base, ids) {
  console.log('\n# screenshots');
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  const shots = [
    ['home', '/'],
    ['aanbod', '/aanbod'],
    ['aanbod-detail', `/aanbod/${encodeURIComponent(ids.offeringId)}`],
  ];
  for (const width of [1280, 375]) {
    for (const [label, p] of shots) {
      const { page, close } = await openPage(browser, base, { viewport: { width, height: 900 } });
      const file = path.join(ARTIFACTS, `${label}-${width}.png`);
      try {
        await page.goto(new URL(p, base).href, { waitUntil: 'load' });
        await page.screenshot({ path: file, fullPage: true });
        results.pass(`screenshot ${path.relative(process.cwd(), file)}`);
      } catch (e) {
        results.fail(`screenshot ${label} ${width}px`, String(e));
      } finally {
        await close();
      }
    }
  }
}

async function main() {
  let server = null;
  let browser = null;
  const cleanup = async () => {
    if (browser) await browser.close().catch(() => {});
    if (server) await server.stop().catch(() => {});
  };
  for (const sig of ['SIGINT', 'SIGTERM']) {
    process.on(sig, () => cleanup().finally(() => process.exit(130)));
  }
  try {
    let base = process.env.E2E_BASE_URL;
    if (!base) {
      // Digests every two seconds, so that the alert mail arrives within the test.
      process.env.WIJKWIJZER_DIGEST_INTERVAL ||= '2';
      server = await startServer();
      base = server.base;
    }
    const ids = await discover(base);
    console.log(`ids: aanbod=${ids.offeringId} thema=${ids.themeSlug} aanbieder=${ids.providerSlug}`);
    browser = await launchBrowser();
    console.log(`chromium ${browser.version()}`);

    for (const p of await pageList(base, ids)) await checkPage(browser, base, p);
    await keyboardRun(browser, base);
    await noJsRun(browser, base);
    await questionFormRun(browser, base);
    await peersRun(browser, base, results);
    if (!process.env.E2E_BASE_URL) await backOfficeRun(browser, base, ids, server.passwordLink);
    if (!process.env.E2E_BASE_URL) await mijnRun(browser, base, server.mailDir);
    if (!process.env.E2E_BASE_URL) await leerkringen.run({ browser, base, mailDir: server.mailDir, results, axeHere, login, waitForMail, coordinatorEmail: E2E_ACCOUNTS[0][0] });
    if (!process.env.E2E_BASE_URL) await circleProposal.run({ browser, base, mailDir: server.mailDir, results, axeHere, login, waitForMail, coordinatorEmail: E2E_ACCOUNTS[0][0] });
    await findingRun(browser, base, results);
    await screenshots(browser, base, ids);
    if (!process.env.E2E_BASE_URL) await (await import('./journeys.mjs')).run({ browser, base, results, server, mailDir: server.mailDir, waitForMail, readMails, coordinatorEmail: E2E_ACCOUNTS[0][0], password: E2E_PASSWORD });
  } catch (e) {
    results.fail('e2e-opzet', e.stack || String(e));
    if (server) console.log(`server log:\n${server.logTail()}`);
  } finally {
    await cleanup();
  }
  const ok = results.summary();
  process.exit(ok ? 0 : 1);
}

main();
