// Browser checks of issue #20, charts and tables on a phone: every SVG chart fits the screen or
// scrolls in a named, focusable wrapper with a visible hint; numbers in tables right-aligned with
// tabular figures; tables with a styled header row, rules and a caption; wide tables scroll in a
// wrapper a keyboard can reach; no page scrolls sideways at 390 px; on /aanbod and the /leervraag
// result the first result card starts on the first screen (390 × 844). Also the screenshots of
// the pages changed, before and after:
//
//   WIJKWIJZER_BIN=/tmp/h20d-before-bin node e2e/charts.mjs before
//   WIJKWIJZER_BIN=target/release/wijkwijzer node e2e/charts.mjs after
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  ARTIFACTS,
  E2E_ACCOUNTS,
  E2E_PASSWORD,
  formatViolations,
  launchBrowser,
  openPage,
  runAxe,
  sleep,
  startServer,
} from './lib.mjs';

const PHONE = { width: 390, height: 844 };
const DESKTOP = { width: 1280, height: 900 };
const SHOTS = path.join(ARTIFACTS, 'journeys');
const RESIDENT_QUESTION = 'Er wordt gedeald in ons portiek. Wat kan ik als bewoner doen tegen drugs in de buurt?';

/** The public pages with charts or tables. */
async function chartPages(base) {
  const res = await fetch(new URL('/leeragenda/peilingen', base));
  const html = await res.text();
  const peiling = /href="(\/leeragenda\/peilingen\/\d{4}-\d{2}-\d{2})"/.exec(html)?.[1];
  return ['/leeragenda', '/lacunes', '/lacunes/wijkaanpak-lange-termijn', '/leeragenda/peilingen', ...(peiling ? [peiling] : [])];
}

/** What a page looks like at its width: overflow, charts, tables and numeric cells. */
async function measure(page) {
  return page.evaluate(() => {
    const visible = (el) => {
      const r = el.getBoundingClientRect();
      const s = getComputedStyle(el);
      return r.width > 0 && r.height > 0 && s.visibility !== 'hidden' && s.display !== 'none';
    };
    const named = (el) => !!(el.getAttribute('aria-label') || el.getAttribute('aria-labelledby'));
    const charts = [...document.querySelectorAll('main svg')].map((svg) => {
      const r = svg.getBoundingClientRect();
      const wrap = svg.closest('.ww-chart-wrap');
      const figure = svg.closest('figure') || svg.parentElement;
      const hint = figure?.querySelector('.ww-scroll-hint');
      const fits = r.left >= 0 && r.right <= document.documentElement.clientWidth + 0.5;
      return {
        id: svg.querySelector('title')?.textContent || svg.outerHTML.slice(0, 60),
        viewBox: svg.hasAttribute('viewBox'),
        role: svg.getAttribute('role'),
        title: !!svg.querySelector('title'),
        desc: !!svg.querySelector('desc'),
        fits: fits && !(wrap && wrap.scrollWidth > wrap.clientWidth + 1),
        scrolls: !!wrap && wrap.getAttribute('tabindex') === '0' && named(wrap),
        hint: !!hint && visible(hint),
      };
    });
    const tables = [...document.querySelectorAll('main table')].map((t) => {
      const wrap = t.closest('.ww-table-wrap');
      const head = t.querySelector('thead th');
      const rows = [...t.querySelectorAll('tbody tr')];
      const bg = (el) => (el ? getComputedStyle(el).backgroundColor : '');
      const border = (el) => (el ? getComputedStyle(el).borderBottomStyle : 'none');
      const numeric = [...t.querySelectorAll('tbody td')].filter((td) =>
        /^[−-]?[\d.,]+( ?%)?( \/ [\d.,]+)?$/.test(td.textContent.trim()));
      return {
        caption: (t.querySelector('caption')?.textContent || '').trim(),
        wide: !!wrap && wrap.scrollWidth > wrap.clientWidth + 1,
        wrapOk: !!wrap && wrap.getAttribute('tabindex') === '0' && named(wrap),
        headBg: bg(head),
        zebraOrRules: rows.length < 2
          || bg(rows[0]) !== bg(rows[1])
          || border(rows[0].querySelector('td, th')) !== 'none',
        numeric: numeric.length,
        numericOk: numeric.filter((td) => {
          const s = getComputedStyle(td);
          return td.classList.contains('ww-num') && (s.textAlign === 'right' || s.textAlign === 'end')
            && s.fontVariantNumeric.includes('tabular-nums');
        }).length,
        numericBad: numeric.filter((td) => !td.classList.contains('ww-num')).map((td) => td.textContent.trim()).slice(0, 3),
      };
    });
    return {
      scrollWidth: document.documentElement.scrollWidth,
      innerWidth: window.innerWidth,
      charts,
      tables,
    };
  });
}

/** Checks one page at one width. */
function checkMeasure(results, name, m, { phone }) {
  results.check(m.scrollWidth <= m.innerWidth, `${name}: geen horizontale paginascroll`, `scrollWidth ${m.scrollWidth} > ${m.innerWidth}`);
  for (const c of m.charts) {
    results.check(c.viewBox && c.role === 'img' && c.title && c.desc, `${name}: grafiek "${c.id}" heeft viewBox, role=img, title en desc`, JSON.stringify(c));
    if (phone) {
      results.check(c.fits || (c.scrolls && c.hint), `${name}: grafiek "${c.id}" past op het scherm of schuift in een benoemd vak met zichtbare hint`, JSON.stringify(c));
    }
  }
  for (const t of m.tables) {
    results.check(t.caption.length > 0, `${name}: tabel heeft een bijschrift`, JSON.stringify(t));
    results.check(t.headBg !== 'rgba(0, 0, 0, 0)' && t.headBg !== '', `${name}: tabel "${t.caption}" heeft een opgemaakte kopregel`, t.headBg);
    results.check(t.zebraOrRules, `${name}: tabel "${t.caption}" heeft zebra of lijnen`, JSON.stringify(t));
    results.check(t.numericOk === t.numeric, `${name}: getallen in "${t.caption}" rechts uitgelijnd met tabulaire cijfers (${t.numericOk}/${t.numeric})`, JSON.stringify(t.numericBad));
    if (t.wide) results.check(t.wrapOk, `${name}: brede tabel "${t.caption}" schuift in een vak met tabindex=0 en een naam`, JSON.stringify(t));
  }
}

/** Sends the resident's question through the form; the page shows the result. */
async function askQuestion(page, base) {
  await page.goto(new URL('/leervraag', base).href);
  await sleep(2500); // the form refuses submissions faster than a person could fill it in
  await page.fill('#vraag', RESIDENT_QUESTION);
  await page.selectOption('#doelgroep', 'bewoners');
  await page.getByRole('button', { name: 'Verstuur je vraag' }).click();
  await page.waitForLoadState('load');
}

/** A message with an e-mail address through the contact form, for the messages page. */
async function sendContact(base) {
  const html = await (await fetch(new URL('/contact', base))).text();
  const token = /name="token" value="([^"]+)"/.exec(html)?.[1];
  await sleep(2200);
  const body = new URLSearchParams({
    token, soort: 'vraag', bericht: 'Is er ook een training over buurtbemiddeling in het voorjaar?',
    email: 'buur@e2e.example', website: '',
  });
  return (await fetch(new URL('/contact', base), { method: 'POST', body })).status;
}

/** Logs in as the coordinator on `page`. */
async function loginOn(page, base) {
  await page.goto(new URL('/beheer/inloggen', base).href);
  await page.fill('#email', E2E_ACCOUNTS[0][0]);
  await page.fill('#wachtwoord', E2E_PASSWORD);
  await Promise.all([page.waitForNavigation(), page.click('button[type=submit]:has-text("Inloggen")')]);
}

/** The checks; `results` is the suite's Results. */
export async function run({ browser, base, results, backOffice = true }) {
  console.log('\n# grafieken en tabellen op de telefoon, eerste scherm');
  const pages = await chartPages(base);
  for (const [label, viewport] of [['390', PHONE], ['1280', DESKTOP]]) {
    for (const p of pages) {
      const name = `grafieken ${p} ${label}px`;
      const { page, close } = await openPage(browser, base, { viewport });
      try {
        const res = await page.goto(new URL(p, base).href, { waitUntil: 'load' });
        results.check(res.status() === 200, `${name}: HTTP 200`, String(res.status()));
        checkMeasure(results, name, await measure(page), { phone: viewport === PHONE });
      } catch (e) {
        results.fail(`${name}: test kon niet draaien`, e.stack || String(e));
      } finally {
        await close();
      }
    }
  }
  // Leervragen door de tijd: a chart beside its table.
  {
    const name = 'leervragen door de tijd';
    const { page, close } = await openPage(browser, base, { viewport: PHONE });
    try {
      await page.goto(new URL('/leeragenda', base).href, { waitUntil: 'load' });
      const found = await page.evaluate(() => {
        const h = [...document.querySelectorAll('main h2')].find((x) => x.textContent.trim() === 'Leervragen door de tijd');
        if (!h) return null;
        const out = { svg: null, table: false };
        for (let el = h.nextElementSibling; el && el.tagName !== 'H2'; el = el.nextElementSibling) {
          const svg = el.matches('svg') ? el : el.querySelector('svg');
          if (svg && !out.svg) {
            out.svg = {
              role: svg.getAttribute('role'),
              title: svg.querySelector('title')?.textContent || '',
              desc: svg.querySelector('desc')?.textContent || '',
              bars: svg.querySelectorAll('rect.ww-bar').length,
              right: svg.getBoundingClientRect().right,
            };
          }
          if (el.querySelector('table') || el.matches('table')) out.table = true;
        }
        return out;
      });
      results.check(found?.svg?.role === 'img' && found.svg.title && found.svg.desc, `${name}: grafiek met role=img, title en desc`, JSON.stringify(found));
      results.check((found?.svg?.bars || 0) > 0, `${name}: een staaf per periode`, JSON.stringify(found));
      results.check(found?.svg && found.svg.right <= PHONE.width, `${name}: grafiek past op 390 px`, JSON.stringify(found));
      results.check(found?.table === true, `${name}: de tabel staat er nog`, JSON.stringify(found));
    } catch (e) {
      results.fail(`${name}: test kon niet draaien`, e.stack || String(e));
    } finally {
      await close();
    }
  }
  // The first screen on a phone: the first result card starts above 844 px.
  for (const [label, go] of [
    ['/aanbod', (page) => page.goto(new URL('/aanbod', base).href, { waitUntil: 'load' })],
    ['/leervraag (resultaat)', (page) => askQuestion(page, base)],
  ]) {
    const name = `eerste scherm ${label} 390px`;
    const { page, close } = await openPage(browser, base, { viewport: PHONE });
    try {
      await go(page);
      const card = await page.locator('main .ww-results > li.ww-card').first().boundingBox();
      results.check(card !== null && card.y < PHONE.height, `${name}: eerste resultaat begint binnen het eerste scherm`, JSON.stringify(card));
      const m = await measure(page);
      results.check(m.scrollWidth <= m.innerWidth, `${name}: geen horizontale paginascroll`, `scrollWidth ${m.scrollWidth} > ${m.innerWidth}`);
      const v = await runAxe(page);
      results.check(v.length === 0, `${name}: axe 0 overtredingen`, formatViolations(v));
    } catch (e) {
      results.fail(`${name}: test kon niet draaien`, e.stack || String(e));
    } finally {
      await close();
    }
  }
  // The back office's messages page at 390 px: no sideways scroll, the reply form usable.
  if (backOffice) {
    const name = 'beheer berichten 390px';
    const { page, close } = await openPage(browser, base, { viewport: PHONE });
    try {
      results.check((await sendContact(base)) === 200, `${name}: bericht via het contactformulier`);
      await loginOn(page, base);
      await page.goto(new URL('/beheer/berichten', base).href, { waitUntil: 'load' });
      const m = await measure(page);
      results.check(m.scrollWidth <= m.innerWidth, `${name}: geen horizontale paginascroll`, `scrollWidth ${m.scrollWidth} > ${m.innerWidth}`);
      const summary = page.locator('summary', { hasText: 'Antwoord mailen' }).first();
      await summary.focus();
      await page.keyboard.press('Enter');
      const box = page.locator('textarea[name="antwoord"]').first();
      results.check(await box.isVisible(), `${name}: Enter opent het antwoordformulier`);
      await box.fill('Kort');
      await Promise.all([page.waitForNavigation(), page.locator('form[action$="/antwoord"] button[type=submit]').first().click()]);
      const text = await page.locator('main').innerText();
      results.check(text.includes('minstens 10 tekens'), `${name}: foutmelding bij het antwoord`, text.slice(0, 300));
      results.check((await page.locator('textarea[aria-invalid="true"]').inputValue()) === 'Kort', `${name}: getypte tekst blijft staan`);
      let v = await runAxe(page);
      results.check(v.length === 0, `${name}: axe 0 overtredingen (fout)`, formatViolations(v));
      await page.locator('textarea[aria-invalid="true"]').fill('Ja, in maart is er een online training. Kijk in de agenda.');
      await Promise.all([page.waitForNavigation(), page.locator('form[action$="/antwoord"] button[type=submit]').first().click()]);
      const after = await page.locator('main').innerText();
      results.check(after.includes('Verstuurd.') && after.includes('Beantwoord'), `${name}: verstuurd en als beantwoord getoond`, after.slice(0, 400));
      v = await runAxe(page);
      results.check(v.length === 0, `${name}: axe 0 overtredingen (verstuurd)`, formatViolations(v));
    } catch (e) {
      results.fail(`${name}: test kon niet draaien`, e.stack || String(e));
    } finally {
      await close();
    }
  }
}

/** Screenshots of the changed pages at 390 and 1280 px, named `<page>-<width>-<suffix>.png`. */
export async function shots(browser, base, suffix) {
  fs.mkdirSync(SHOTS, { recursive: true });
  const files = [];
  const pages = [
    ['leeragenda', (p) => p.goto(new URL('/leeragenda', base).href, { waitUntil: 'load' })],
    ['lacunes', (p) => p.goto(new URL('/lacunes', base).href, { waitUntil: 'load' })],
    ['peilingen', (p) => p.goto(new URL('/leeragenda/peilingen', base).href, { waitUntil: 'load' })],
    ['aanbod', (p) => p.goto(new URL('/aanbod', base).href, { waitUntil: 'load' })],
    ['leervraag-resultaat', (p) => askQuestion(p, base)],
    ['beheer-berichten', async (p) => {
      await loginOn(p, base);
      await p.goto(new URL('/beheer/berichten', base).href, { waitUntil: 'load' });
    }],
  ];
  await sendContact(base);
  for (const width of [390, 1280]) {
    for (const [label, go] of pages) {
      const { page, close } = await openPage(browser, base, { viewport: { width, height: width === 390 ? 844 : 900 } });
      try {
        await go(page);
        const file = path.join(SHOTS, `${label}-${width}-${suffix}.png`);
        await page.screenshot({ path: file, fullPage: true });
        files.push(file);
      } finally {
        await close();
      }
    }
  }
  return files;
}

// `node e2e/charts.mjs before|after`: only the screenshots, on a server of its own.
if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const suffix = process.argv[2] || 'after';
  const server = await startServer();
  const browser = await launchBrowser();
  try {
    for (const f of await shots(browser, server.base, suffix)) console.log(f);
  } finally {
    await browser.close();
    await server.stop();
  }
}
