// Browser walk of the journeys 1–9 of JOURNEYS.md (issue #20), as the people they describe: the
// resident and the wijkagent on a phone (390×844, touch), the others on a desktop (1280×800), each
// also once, shorter, at the other width. The resident's and the contact journey use the keyboard
// only. Forms are sent with mistakes first, then correctly, and the result is looked up where it
// lands (back office, mail folder, catalogue). On every page: axe, console, other hosts, overflow at
// 390 px. Screenshots of each journey's key page go to e2e/artifacts/journeys/.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ARTIFACTS, activeElement, findServerBinary, firstNumber, formatViolations, liveRegionText, openPage, runAxe, tabUntil } from './lib.mjs';

const PHONE = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true };
const DESKTOP = { viewport: { width: 1280, height: 800 } };
const SHOTS = path.join(ARTIFACTS, 'journeys');
const NARROW = 390;

/** One person's browser: checks every page it lands on and takes the screenshots. */
class Walk {
  constructor(ctx, opened, label) {
    Object.assign(this, opened);
    this.ctx = ctx;
    this.results = ctx.results;
    this.label = label;
    this.width = opened.page.viewportSize().width;
    this.seen = { foreign: 0, bad: 0, csp: 0, page: 0, console: 0 };
  }

  static async open(ctx, label, device, extra = {}) {
    return new Walk(ctx, await openPage(ctx.browser, ctx.base, { ...device, ...extra }), label);
  }

  url(p) {
    return new URL(p, this.ctx.base).href;
  }

  /** Goes to `p` and checks the page. */
  async go(p, name, status = 200, opts = {}) {
    const res = await this.page.goto(this.url(p), { waitUntil: 'load' });
    await this.check(name, status, res?.status(), opts);
    return res;
  }

  /** Runs `action` (a click or a key press that submits or follows a link) and checks where it lands. */
  async follow(action, name, status = 200, opts = {}) {
    const [res] = await Promise.all([this.page.waitForNavigation({ waitUntil: 'load' }), action()]);
    await this.check(name, status, res?.status(), opts);
    return res;
  }

  /**
   * The per-page checks: status, axe, console and page errors, other hosts, overflow at 390 px.
   * `quick`: the same page as just checked in another state of the same kind; axe is left out.
   */
  async check(name, expected, status, { quick = false } = {}) {
    const r = this.results;
    const at = `${this.label} ${this.width}px: ${name}`;
    if (process.env.E2E_JOURNEY_TIMING) console.log(`  [${new Date().toISOString().slice(11, 23)}] ${at}`);
    if (expected !== undefined) r.check(status === expected, `${at}: HTTP ${expected}`, `kreeg ${status} op ${this.page.url()}`);
    if (!quick) {
      const t0 = Date.now();
      const violations = await runAxe(this.page);
      this.ctx.axeMs += Date.now() - t0;
      r.check(violations.length === 0, `${at}: axe 0 overtredingen`, formatViolations(violations));
    }
    this.ctx.pages += 1;
    const overflow = await this.overflowAtNarrow();
    r.check(overflow.length === 0, `${at}: geen horizontale scroll op ${NARROW}px`, overflow.join(', '));
    const fresh = (key, list) => {
      const out = list.slice(this.seen[key]);
      this.seen[key] = list.length;
      return out;
    };
    // The browser logs a failed load for the page itself when its status is 4xx (a form with errors).
    const own = new RegExp(`Failed to load resource: the server responded with a status of ${status}\\b`);
    const errors = [
      ...fresh('console', this.consoleErrors).filter((t) => !own.test(t)),
      ...fresh('page', this.pageErrors),
      ...fresh('csp', this.cspErrors),
      ...fresh('bad', this.badResponses),
    ];
    r.check(errors.length === 0, `${at}: geen consolefouten`, errors.join('\n'));
    const foreign = fresh('foreign', this.foreign);
    r.check(foreign.length === 0, `${at}: geen verzoeken naar andere hosts`, foreign.join('\n'));
  }

  /** Elements wider than 390 px (the page is narrowed to 390 px for the check when it is wider). */
  async overflowAtNarrow() {
    const size = this.page.viewportSize();
    if (size.width > NARROW) await this.page.setViewportSize({ width: NARROW, height: size.height });
    const culprits = await this.page.evaluate((w) => {
      if (document.documentElement.scrollWidth <= w) return [];
      const out = [];
      for (const el of document.querySelectorAll('body *')) {
        const b = el.getBoundingClientRect();
        if (b.right > w + 0.5 && b.width > 0) out.push(`${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ''}${el.classList.length ? `.${[...el.classList].join('.')}` : ''}`);
        if (out.length >= 6) break;
      }
      return [`scrollWidth=${document.documentElement.scrollWidth}`, ...out];
    }, NARROW);
    if (size.width > NARROW) await this.page.setViewportSize(size);
    return culprits;
  }

  /** A screenshot `<nn>-<journey>-<page>-<width>.png`: the whole page on a desktop, the first screen on a phone. */
  async shot(nn, journey, pageName) {
    fs.mkdirSync(SHOTS, { recursive: true });
    const file = path.join(SHOTS, `${nn}-${journey}-${pageName}-${this.width}.png`);
    await this.page.screenshot({ path: file, fullPage: this.width > NARROW });
    this.ctx.shots.push(path.basename(file));
  }

  async text(selector = 'main') {
    return (await this.page.locator(selector).first().innerText()).trim();
  }
}

/**
 * Waits until the shown form is old enough to be taken: the forms refuse a submission within two
 * seconds of their token (too fast for a person), so this waits only for what is left of that.
 */
async function formReady(page) {
  const token = await page.locator('input[name="token"]').first().inputValue();
  const issued = Number(token.split('.')[0]);
  await page.waitForFunction((t) => Date.now() / 1000 >= t, issued + 2.1, { polling: 100 });
}

/** What has focus now and what the error summary lists. */
async function errorSummary(page) {
  return page.evaluate(() => {
    const s = document.querySelector('.ww-error-summary');
    return {
      focused: !!s && document.activeElement === s,
      items: s ? [...s.querySelectorAll('li')].map((li) => li.textContent.trim()) : [],
    };
  });
}

/** Tabs to the control matching `pred` and fails the journey when it is not reached. */
async function tabTo(w, pred, what, max = 120) {
  const el = await tabUntil(w.page, pred, max);
  if (!el) throw new Error(`${w.label}: Tab bereikt ${what} niet (op ${w.page.url()})`);
  return el;
}

/** Runs one journey; a failure is recorded and the walk goes on with the next. */
async function journey(ctx, title, fn) {
  console.log(`\n# reis ${title}`);
  const t0 = Date.now();
  const opened = [];
  const open = async (label, device, extra) => {
    const w = await Walk.open(ctx, label, device, extra);
    opened.push(w);
    return w;
  };
  try {
    await fn(open);
  } catch (e) {
    ctx.results.fail(`reis ${title}: kon niet verder`, e.stack || String(e));
  } finally {
    for (const w of opened) await w.close().catch(() => {});
    console.log(`  (reis ${title}: ${((Date.now() - t0) / 1000).toFixed(1)} s)`);
  }
}

// ---------------------------------------------------------------- the journeys

const RESIDENT_QUERY = 'drugs dealen in ons portiek wat kan ik doen';
const RESIDENT_QUESTION = 'Er wordt gedeald in ons portiek. Wat kan ik als bewoner doen tegen drugs in onze flat?';
const RESIDENT_EMAIL = 'bewoner.portiek@e2e.example';
// A new round of a learning network already in the catalogue: the coordinator sees it as a possible duplicate.
const PROVIDER_TITLE = 'Leernetwerk Wijkaanpak die blijft 2027';
const EXISTING_TITLE = 'Leernetwerk Wijkaanpak die blijft';
const PROVIDER_EMAIL = 'aanbieder.reis@e2e.example';

/** 1. The resident on her phone, keyboard only: home search, then her question with mistakes. */
async function resident(ctx, open) {
  const r = ctx.results;
  const w = await open('1 bewoner', PHONE);
  const { page } = w;
  await w.go('/', 'startpagina');
  await w.shot('01', 'bewoner', 'start');
  await tabTo(w, (el) => el.tag === 'input' && el.name === 'q', 'het zoekveld');
  await page.keyboard.type(RESIDENT_QUERY);
  await w.follow(() => page.keyboard.press('Enter'), 'zoekresultaten');
  const cards = page.locator('.ww-results > li');
  const n = await cards.count();
  r.check(n > 0, `${w.label}: zoeken geeft aanbod`, await liveRegionText(page));
  // What she came for: something residents can follow, free, on the first screen of results.
  // "The first screen of results": the cards that start within one phone screen from the results heading.
  const top = (await page.locator('#resultaten-kop').boundingBox())?.y ?? 0;
  const firstScreen = [];
  for (let i = 0; i < Math.min(n, 5); i += 1) {
    const box = await cards.nth(i).boundingBox();
    if (box && box.y < top + 844) firstScreen.push({ i, y: Math.round(box.y), meta: (await cards.nth(i).locator('.ww-meta').innerText()).replace(/\n/g, ' · ') });
  }
  const forResidents = firstScreen.find((c) => /bewoners/i.test(c.meta) && /gratis/i.test(c.meta));
  r.check(!!forResidents, `${w.label}: gratis aanbod voor bewoners bij de eerste resultaten`, JSON.stringify(firstScreen, null, 1));
  const firstCard = await cards.first().boundingBox();
  r.check(!!firstCard && firstCard.y < 844, `${w.label}: eerste resultaat binnen het eerste scherm`, JSON.stringify(firstCard));
  const reasons = await cards.evaluateAll((els) => els.map((el) => el.querySelector('.ww-why')?.textContent.trim() || ''));
  r.check(reasons.length > 0 && reasons.every((t) => t.length > 0 && !t.includes('\n')), `${w.label}: elk resultaat zegt in één regel waarom`, reasons.join('\n'));
  await w.shot('01', 'bewoner', 'zoekresultaten');

  // "Stel je leervraag", reached from the results.
  await tabTo(w, (el) => el.tag === 'a' && el.pathname === '/leervraag', 'de link "Stel je leervraag"', 300);
  await w.follow(() => page.keyboard.press('Enter'), 'leervraag');
  // Mistakes: no question, no "Ik ben", an e-mail address without a domain.
  await tabTo(w, (el) => el.id === 'email', 'het e-mailveld');
  await page.keyboard.type('buurvrouw.portiek@');
  await tabTo(w, (el) => el.id === 'toestemming', 'de toestemming', 5);
  await page.keyboard.press('Space');
  await formReady(page);
  await tabTo(w, (el) => el.tag === 'button' && /Verstuur je vraag/.test(el.text), 'de verstuurknop', 30);
  await w.follow(() => page.keyboard.press('Enter'), 'leervraag met fouten', 422);
  const sum = await errorSummary(page);
  r.check(sum.focused, `${w.label}: foutoverzicht krijgt de focus`, JSON.stringify(await activeElement(page)));
  r.check(sum.items.length >= 3 && sum.items.some((t) => t.startsWith('Dit e-mailadres klopt niet')),
    `${w.label}: alle fouten tegelijk (vraag, ik ben, e-mailadres)`, sum.items.join('\n'));
  r.check((await page.inputValue('#email')) === 'buurvrouw.portiek@' && (await page.isChecked('#toestemming')),
    `${w.label}: ingevuld e-mailadres en toestemming blijven staan`, await page.inputValue('#email'));
  await w.shot('01', 'bewoner', 'leervraag-fouten');
  // From the summary to the question field, by its link.
  await tabTo(w, (el) => el.tag === 'a' && el.href === '#vraag', 'de link naar het vraagveld', 5);
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => document.activeElement?.id === 'vraag');
  await page.keyboard.type(RESIDENT_QUESTION);
  await page.keyboard.press('Tab');
  const select = await activeElement(page);
  r.check(select?.id === 'doelgroep', `${w.label}: Tab van de vraag naar "Ik ben"`, JSON.stringify(select));
  await page.keyboard.type('bew');
  r.check((await page.inputValue('#doelgroep')) === 'bewoners', `${w.label}: "Ik ben bewoner" gekozen met het toetsenbord`, await page.inputValue('#doelgroep'));
  await tabTo(w, (el) => el.id === 'email', 'het e-mailveld', 10);
  await page.keyboard.press('Control+A');
  await page.keyboard.type(RESIDENT_EMAIL);
  await formReady(page);
  await tabTo(w, (el) => el.tag === 'button' && /Verstuur je vraag/.test(el.text), 'de verstuurknop', 30);
  await w.follow(() => page.keyboard.press('Enter'), 'leervraag ontvangen');
  r.check((await w.text('h1')).includes('Je leervraag is ontvangen'), `${w.label}: vraag ontvangen`, await w.text('h1'));
  const result = await w.text();
  const fit = /Dit aanbod past bij je vraag|Dit aanbod gaat over je onderwerp|We vonden nog geen aanbod dat goed past/.exec(result)?.[0];
  r.check(!!fit, `${w.label}: de site zegt eerlijk hoe goed het aanbod past`, result.slice(0, 500));
  r.check(/antwoord per e-mail/.test(result), `${w.label}: zegt dat het antwoord per e-mail komt`, result.slice(0, 800));
  await w.shot('01', 'bewoner', 'leervraag-ontvangen');
  const receipt = await ctx.waitForMail(ctx.mailDir, (m) => m.headers.includes(RESIDENT_EMAIL), 20_000);
  r.check(!!receipt, `${w.label}: ontvangstbevestiging in de mail`, ctx.readMails(ctx.mailDir).map((m) => m.subject).join(' | '));

  // Desktop, shorter: the same search.
  const d = await open('1 bewoner', DESKTOP);
  await d.go(`/aanbod?q=${encodeURIComponent(RESIDENT_QUERY)}`, 'zoekresultaten');
  await d.shot('01', 'bewoner', 'zoekresultaten');
}

/** 2. The wijkagent on his phone, by touch: five facets, the chips, the link, the calendar. */
async function wijkagent(ctx, open) {
  const r = ctx.results;
  const w = await open('2 wijkagent', PHONE);
  const { page } = w;
  await w.go('/aanbod', 'catalogus');
  const total = firstNumber(await liveRegionText(page));
  const toggle = page.locator('summary.ww-filters__toggle');
  const apply = async (name, opts) => {
    await w.follow(() => page.getByRole('button', { name: 'Filters toepassen' }).first().tap(), name, 200, opts);
    return firstNumber(await liveRegionText(page));
  };
  const openFacet = async (key) => {
    if (!(await page.locator('#f-gratis').isVisible())) await toggle.tap();
    const f = page.locator(`details.ww-facet:has(input[name="${key}"])`).first();
    if (!(await f.evaluate((el) => el.open))) await f.locator('summary').tap();
    return f;
  };
  const counts = await page.locator('details.ww-facet label').evaluateAll((els) => els.map((el) => el.textContent.trim()));
  const choices = counts.filter((t) => !/^Ook landelijk en online/.test(t));
  r.check(choices.length > 0 && choices.every((t) => /\(\d+\)\s*$/.test(t)), `${w.label}: elke facetkeuze toont een aantal`, choices.filter((t) => !/\(\d+\)\s*$/.test(t)).join(' | '));

  // The region first: the regio facet lists only regions with offerings of their own in the
  // current selection, so after theme and target group Noord-Brabant is no longer offered.
  await (await openFacet('regio')).locator('input[value="Noord-Brabant"]').tap();
  await (await openFacet('thema')).locator('input[value="jeugd-en-veiligheid"]').tap();
  await (await openFacet('doelgroep')).locator('input[value="wijkprofessionals"]').tap();
  const a = await apply('regio, thema en doelgroep');
  r.check(a !== null && a > 0 && a < total, `${w.label}: filters uit drie facetten vernauwen`, `${total} → ${a}`);
  // JOURNEYS.md: "training OR intervisie". The facet offers only forms that give results; the demo
  // catalogue has neither for this selection, so he takes the first two it offers.
  const offeredForms = await page.locator('input[name="vorm"]').evaluateAll((els) => els.map((el) => el.value));
  const wished = ['training', 'intervisie'].filter((v) => offeredForms.includes(v));
  const [one, two] = [...wished, ...offeredForms.filter((v) => !wished.includes(v))];
  if (wished.length < 2) ctx.notes.push(`Reis 2: in Noord-Brabant (met landelijk en online) biedt de demo-catalogus voor jeugd en veiligheid en wijkprofessionals geen ${['training', 'intervisie'].filter((v) => !wished.includes(v)).join(' of ')}; de vormen zijn ${offeredForms.join(', ')}, de wijkagent kiest ${one} en ${two}.`);
  await (await openFacet('vorm')).locator(`input[value="${one}"]`).tap();
  const b = await apply(`vorm ${one}`, { quick: true });
  await (await openFacet('vorm')).locator(`input[value="${two}"]`).tap();
  const c = await apply(`vorm ${one} of ${two}`, { quick: true });
  r.check(b !== null && b > 0 && b < a && c > b, `${w.label}: tweede vorm verbreedt, andere facet vernauwt`, `${a} → ${one} ${b} → ${one} of ${two} ${c}`);
  if (!(await page.locator('#f-vanaf').isVisible())) await toggle.tap();
  await page.locator('#f-vanaf').tap();
  const d = await apply('alleen toekomstige data');
  r.check(d !== null && d > 0 && d <= c, `${w.label}: de hele selectie vindt aanbod`, `${c} → ${d}`);
  const offered = await page.locator('input[name="regio"]').evaluateAll((els) => els.map((el) => el.value));
  const withoutRegion = await (await fetch(new URL('/aanbod?thema=jeugd-en-veiligheid&doelgroep=wijkprofessionals', ctx.base))).text();
  if (!/name="regio" value="Noord-Brabant"/.test(withoutRegion)) {
    ctx.notes.push(`Reis 2: na thema en doelgroep biedt het regiofilter Noord-Brabant niet meer aan (wel: ${[...withoutRegion.matchAll(/name="regio" value="([^"]+)"/g)].map((m) => m[1]).join(', ')}), hoewel die keuze ${a} resultaten geeft (landelijk en online tellen mee); de wijkagent moet de regio als eerste kiezen.`);
  }
  r.check(offered.includes('Noord-Brabant'), `${w.label}: gekozen regio blijft in het filter staan`, offered.join(', '));
  const url = new URL(page.url());
  const chosen = ['thema', 'doelgroep', 'vorm', 'regio', 'vanaf'].map((k) => [k, url.searchParams.getAll(k)]);
  r.check(chosen.every(([, v]) => v.length > 0) && url.searchParams.getAll('vorm').length === 2, `${w.label}: alle keuzes in de URL`, page.url());
  const chips = await page.locator('ul.ww-chips a').allInnerTexts();
  r.check(chips.length === 6, `${w.label}: zes actieve filters getoond`, chips.join(' | '));
  r.check(/^Filters \(6\)/.test((await toggle.innerText()).trim()), `${w.label}: knop telt 6 filters`, await toggle.innerText());
  const titles = await page.locator('.ww-results h3').allInnerTexts();
  // The results section (heading, count, the active filters) starts on the first screen; with six
  // active filters the first card itself is lower (reported, see the note).
  const heading = await page.locator('#resultaten-kop').boundingBox();
  r.check(!!heading && heading.y + heading.height < 844, `${w.label}: resultaten beginnen binnen het eerste scherm`, JSON.stringify(heading));
  const first = await page.locator('.ww-results > li').first().boundingBox();
  if (first && first.y >= 844) ctx.notes.push(`Reis 2: op 390×844 begint de eerste resultaatkaart bij ${Math.round(first.y)} px, onder de zes filterlabels; de kop "Resultaten" en het aantal staan wel op het eerste scherm.`);
  await w.shot('02', 'wijkagent', 'selectie');
  // The calendar of this selection.
  const ics = await page.getByRole('link', { name: /Deze selectie in je eigen agenda/ }).getAttribute('href');
  const cal = await page.request.get(new URL(ics, ctx.base).href);
  const calText = await cal.text();
  r.check(cal.ok() && /text\/calendar/.test(cal.headers()['content-type'] || '') && calText.startsWith('BEGIN:VCALENDAR'),
    `${w.label}: selectie als iCalendar`, `${cal.status()} ${cal.headers()['content-type']} ${calText.slice(0, 80)}`);
  // Remove one filter by its chip: without the region there is more.
  const selection = page.url();
  const regio = page.locator('ul.ww-chips a', { hasText: /Noord-Brabant/ }).first();
  await w.follow(() => regio.tap(), 'filter weggehaald');
  const after = new URL(page.url());
  r.check(!after.searchParams.has('regio') && after.searchParams.getAll('vorm').length === 2 && after.searchParams.get('thema') === 'jeugd-en-veiligheid'
    && after.searchParams.get('vanaf') === 'vandaag', `${w.label}: één filter weggehaald, de rest blijft`, page.url());
  const widened = firstNumber(await liveRegionText(page));
  r.check(widened !== null && widened >= d, `${w.label}: zonder regio minstens zoveel resultaten`, `${d} → ${widened}`);

  // The link mailed to a colleague at a desktop shows the same.
  const colleague = await open('2 collega', DESKTOP);
  await colleague.go(selection, 'gedeelde link');
  r.check(firstNumber(await liveRegionText(colleague.page)) === d, `${colleague.label}: zelfde aantal via de link`, await liveRegionText(colleague.page));
  r.check(JSON.stringify(await colleague.page.locator('.ww-results h3').allInnerTexts()) === JSON.stringify(titles),
    `${colleague.label}: zelfde resultaten via de link`, '');
  await colleague.shot('02', 'wijkagent', 'selectie');
}

/** 3. The policymaker at her desk: demand and supply, the gaps, the figures as CSV. */
async function policymaker(ctx, open) {
  const r = ctx.results;
  const w = await open('3 beleidsmaker', DESKTOP, { acceptDownloads: true });
  const { page } = w;
  await w.go('/leeragenda', 'leeragenda');
  const charts = await page.locator('main svg').count();
  const tables = await page.locator('main table caption').allInnerTexts();
  r.check(charts > 0, `${w.label}: grafieken op de leeragenda`, `${charts} svg`);
  r.check(tables.some((t) => /thema/i.test(t)) && tables.some((t) => /doelgroep/i.test(t)), `${w.label}: tabellen per thema en per doelgroep`, tables.join(' | '));
  await w.shot('03', 'beleidsmaker', 'leeragenda');
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: /als CSV/ }).first().click()]);
  const csv = fs.readFileSync(await download.path(), 'utf8');
  const rows = csv.trim().split(/\r?\n/);
  r.check(rows.length > 5 && rows[0].split(',').length >= 3, `${w.label}: cijfers als CSV gedownload (${download.suggestedFilename()}, ${rows.length} regels)`, rows.slice(0, 3).join('\n'));
  await w.go('/lacunes', 'lacunes');
  const gaps = page.locator('main h2 a');
  const n = await gaps.count();
  const main = await w.text();
  r.check(n > 0 && /tekort/.test(main), `${w.label}: lacunes met cijfers`, main.slice(0, 600));
  r.check(/ontwikkeltraject/i.test(main), `${w.label}: lacunes noemen wat er ontwikkeld wordt`, '');
  await w.shot('03', 'beleidsmaker', 'lacunes');
  await w.follow(() => gaps.first().click(), 'één lacune');
  const gap = await w.text();
  r.check(/Waarom dit een lacune is/.test(gap) && /Ontwikkeltrajecten/.test(gap), `${w.label}: lacune met uitleg en ontwikkeltrajecten`, gap.slice(0, 600));

  const phone = await open('3 beleidsmaker', PHONE);
  await phone.go('/lacunes', 'lacunes');
  await phone.shot('03', 'beleidsmaker', 'lacunes');
  await phone.go('/leeragenda', 'leeragenda');
}

/** 4. The provider: the offering form with mistakes, then sent; not on the site yet. */
async function provider(ctx, open) {
  const r = ctx.results;
  const w = await open('4 aanbieder', DESKTOP);
  const { page } = w;
  await w.go('/aanbod/aanmelden', 'aanmeldformulier');
  const description = 'Een nieuwe ronde van ons leernetwerk: gemeenten en corporaties leren een wijkaanpak tien jaar vol te houden.\n\nElke bijeenkomst begint met een casus uit een van de wijken.';
  await page.fill('#titel', PROVIDER_TITLE);
  await page.fill('#beschrijving', description);
  await page.fill('#aanbieder', 'Wijkkracht Nederland');
  await page.selectOption('#vorm', 'leernetwerk');
  await page.check('#thema-langjarige-wijkaanpak');
  await page.check('#doelgroep-wijkprofessionals');
  await page.check('#sector-wonen');
  await page.check('#sector-zorg');
  await page.fill('#kosten', 'gratis');
  await page.selectOption('#locatie', 'fysiek');
  await page.selectOption('#regio', 'Gelderland');
  await page.fill('#url', 'www.buurtleren.example/leernetwerk');
  await page.fill('#contact_naam', 'Ineke de Wit');
  await page.fill('#contact_email', 'ineke@buurtleren');
  await formReady(page);
  await w.follow(() => page.getByRole('button', { name: 'Meld het aanbod aan' }).click(), 'aanmelding met fouten', 422);
  const sum = await errorSummary(page);
  r.check(sum.focused, `${w.label}: foutoverzicht krijgt de focus`, JSON.stringify(await activeElement(page)));
  r.check(sum.items.some((t) => /samenvatting/i.test(t)) && sum.items.some((t) => t.startsWith('Dit e-mailadres klopt niet')),
    `${w.label}: alle fouten tegelijk (samenvatting, e-mailadres)`, sum.items.join('\n'));
  r.check(await page.locator('#samenvatting-fout').count() === 1 && await page.locator('#contact_email-fout').count() === 1,
    `${w.label}: fouten naast de velden`, '');
  const kept = {
    titel: await page.inputValue('#titel'),
    beschrijving: await page.inputValue('#beschrijving'),
    vorm: await page.inputValue('#vorm'),
    regio: await page.inputValue('#regio'),
    url: await page.inputValue('#url'),
    email: await page.inputValue('#contact_email'),
    sectoren: await page.locator('input[name="sectoren"]:checked').count(),
  };
  r.check(kept.titel === PROVIDER_TITLE && kept.beschrijving === description && kept.vorm === 'leernetwerk' && kept.regio !== ''
    && kept.url.includes('buurtleren.example') && kept.email === 'ineke@buurtleren' && kept.sectoren === 2,
  `${w.label}: alles wat ze typte blijft staan (ook de witregel)`, JSON.stringify(kept));
  await w.shot('04', 'aanbieder', 'fouten');
  await page.fill('#samenvatting', 'Tweede ronde van het leernetwerk voor gemeenten en corporaties die hun wijkaanpak willen volhouden.');
  await page.fill('#contact_email', PROVIDER_EMAIL);
  await formReady(page);
  await w.follow(() => page.getByRole('button', { name: 'Meld het aanbod aan' }).click(), 'aanmelding ontvangen');
  r.check((await w.text('h1')).includes('Aanmelding ontvangen') && (await w.text()).includes(PROVIDER_TITLE), `${w.label}: bevestiging met de titel`, await w.text());
  await w.shot('04', 'aanbieder', 'ontvangen');
  const api = await (await fetch(new URL(`/api/v1/aanbod?q=${encodeURIComponent(PROVIDER_TITLE)}&pageSize=50`, ctx.base))).json();
  r.check(!(api.resultaten || []).some((o) => o.titel === PROVIDER_TITLE), `${w.label}: niet op de site voor goedkeuring`, '');

  const phone = await open('4 aanbieder', PHONE);
  await phone.go('/aanbod/aanmelden', 'aanmeldformulier');
  await phone.shot('04', 'aanbieder', 'formulier');
}

/** 5. The coordinator's Monday: the resident's question answered, the provider's offering approved. */
async function coordinatorInbox(ctx, open) {
  const r = ctx.results;
  const w = await open('5 coördinator', DESKTOP);
  const { page } = w;
  await page.goto(w.url('/beheer/inloggen'));
  await page.fill('#email', ctx.coordinatorEmail);
  await page.fill('#wachtwoord', ctx.password);
  await w.follow(() => page.getByRole('button', { name: 'Inloggen' }).click(), 'dashboard');
  await w.shot('05', 'coordinator', 'dashboard');
  await w.go('/beheer/vragen', 'inbox leervragen');
  await w.shot('05', 'coordinator', 'inbox');
  await w.follow(() => page.getByRole('link', { name: RESIDENT_QUESTION }).first().click(), 'de vraag van de bewoner');
  const suggested = page.locator('#gekoppeld ~ ol > li');
  const sugg = await suggested.count();
  const withReasons = await suggested.evaluateAll((els) => els.filter((el) => el.querySelector('ul li')).length);
  r.check(sugg >= 2 && withReasons === sugg, `${w.label}: voorgesteld aanbod met redenen`, `${sugg} voorstellen, ${withReasons} met redenen`);
  const confirmed = [];
  for (let i = 0; i < 2; i += 1) {
    const btn = page.locator('#gekoppeld ~ ol > li').filter({ has: page.getByRole('button', { name: /^Bevestigen/ }) }).first();
    confirmed.push((await btn.locator('h3').innerText()).trim());
    await w.follow(() => btn.getByRole('button', { name: /^Bevestigen/ }).click(), `koppeling ${i + 1} bevestigd`, 200, { quick: i > 0 });
  }
  await page.fill('#zoek', 'buurtbemiddeling');
  await w.follow(() => page.getByRole('button', { name: 'Zoeken', exact: true }).click(), 'aanbod gezocht');
  const add = page.locator('#toevoegen ~ ul li').first();
  const added = (await add.locator('a').first().innerText()).trim();
  await w.follow(() => add.getByRole('button', { name: /^Toevoegen/ }).click(), 'aanbod toegevoegd', 200, { quick: true });
  const matches = await page.locator('#gekoppeld ~ ol > li').allInnerTexts();
  const bevestigd = matches.filter((t) => /Status: bevestigd/.test(t)).length;
  r.check(bevestigd === 3, `${w.label}: twee voorstellen bevestigd en één zelf toegevoegd`, matches.map((t) => t.split('\n')[0]).join(' | '));
  // Without an answer first: the error beside the answer box.
  await w.follow(() => page.getByRole('button', { name: /Antwoord mailen/ }).click(), 'antwoord zonder tekst', 422);
  r.check(await page.locator('#antwoord-fout').count() === 1, `${w.label}: fout naast het antwoordvak`, await w.text('.ww-error-summary').catch(() => ''));
  const answer = 'Fijn dat je dit meldt. Bel bij gevaar 112, anders de wijkagent. De trainingen hieronder helpen je buren mee te krijgen.';
  await page.fill('#antwoord', answer);
  await w.follow(() => page.getByRole('button', { name: 'Voorbeeld van de mail' }).click(), 'voorbeeld van de mail');
  r.check((await w.text('#voorbeeld')).includes(answer.slice(0, 40)), `${w.label}: voorbeeld van de mail`, '');
  await w.follow(() => page.getByRole('button', { name: /Antwoord mailen/ }).click(), 'antwoord gemaild');
  r.check((await w.text()).includes('Het antwoord is gemaild'), `${w.label}: antwoord gemaild`, '');
  const mail = await ctx.waitForMail(ctx.mailDir, (m) => m.headers.includes(RESIDENT_EMAIL) && m.text.includes('Bel bij gevaar 112'), 30_000);
  r.check(!!mail && [...confirmed, added].every((t) => mail.text.includes(t)), `${w.label}: de bewoner krijgt het antwoord met het aanbod`,
    mail ? mail.text.slice(0, 1200) : ctx.readMails(ctx.mailDir).map((m) => m.subject).join(' | '));

  // A question nothing exists for: marked lacune, counted in the gap analysis.
  await w.go('/beheer/vragen?status=nieuw', 'nieuwe vragen');
  const lacuneQuestion = page.locator('main table a[href^="/beheer/vragen/"]').first();
  const lacuneText = (await lacuneQuestion.innerText()).trim();
  await w.follow(() => lacuneQuestion.click(), 'een vraag zonder aanbod');
  await page.selectOption('#status', 'lacune');
  await w.follow(() => page.getByRole('button', { name: 'Opslaan', exact: true }).click(), 'op lacune gezet');
  r.check((await w.text('dl.ww-meta')).includes('Lacune'), `${w.label}: vraag staat op lacune`, lacuneText);
  ctx.notes.push('Reis 5: of een vraag met status lacune meetelt in de lacune-analyse is niet zichtbaar te controleren; de pagina /lacunes noemt geen losse vragen met die status.');

  // The provider's offering: the moderation queue, approve, findable at once, mail to the provider.
  await w.go('/beheer/aanmeldingen', 'aanmeldingen');
  await w.follow(() => page.getByRole('link', { name: PROVIDER_TITLE }).first().click(), 'aanmelding beoordelen');
  await w.shot('05', 'coordinator', 'aanmelding');
  const flagged = await page.locator('li.ww-warning').allInnerTexts();
  r.check(flagged.some((t) => t.includes(EXISTING_TITLE) && t.includes('Mogelijk dubbel')), `${w.label}: mogelijk dubbel gemeld voor het goedkeuren`, flagged.join(' | '));
  await w.follow(() => page.getByRole('button', { name: 'Goedkeuren en publiceren' }).click(), 'goedkeuren zonder dubbel te bekijken', 422);
  r.check(await page.locator('#geen_dubbel-fout').count() === 1, `${w.label}: eerst bevestigen dat het geen dubbel is`, '');
  await page.check('#geen_dubbel');
  await w.follow(() => page.getByRole('button', { name: 'Goedkeuren en publiceren' }).click(), 'goedgekeurd');
  r.check(await page.getByRole('link', { name: /Terug naar de aanmeldingen/ }).count() > 0, `${w.label}: melding gepubliceerd met link naar de wachtrij`, await w.text('main').then((t) => t.slice(0, 300)));
  const found = await (await fetch(new URL(`/aanbod?q=${encodeURIComponent('wijkaanpak die blijft 2027')}`, ctx.base))).text();
  r.check(found.includes(PROVIDER_TITLE), `${w.label}: goedgekeurd aanbod meteen vindbaar`, '');
  const approved = await ctx.waitForMail(ctx.mailDir, (m) => m.headers.includes(PROVIDER_EMAIL) && m.text.includes(PROVIDER_TITLE), 30_000);
  r.check(!!approved, `${w.label}: de aanbieder krijgt een mail bij goedkeuring`, approved?.subject || '');

  const phone = await open('5 coördinator', PHONE, { storageState: await w.context.storageState() });
  await phone.go('/beheer/vragen', 'inbox leervragen');
  await phone.shot('05', 'coordinator', 'inbox');
}

/** 6. The coordinator opens a development track for the gap "gemengde wijken". */
async function developmentTrack(ctx, open) {
  const r = ctx.results;
  const w = await open('6 coördinator', DESKTOP);
  const { page } = w;
  await page.goto(w.url('/beheer/inloggen'));
  await page.fill('#email', ctx.coordinatorEmail);
  await page.fill('#wachtwoord', ctx.password);
  await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Inloggen' }).click()]);
  await w.go('/beheer/trajecten', 'ontwikkeltrajecten');
  await w.go('/beheer/trajecten/nieuw?thema=gemengde-wijken', 'nieuw traject voor gemengde wijken');
  const suggestions = page.locator('#samenwerking-kop ~ ol li');
  r.check(await suggestions.count() > 0, `${w.label}: site stelt partners uit andere sectoren voor`, '');
  const take = page.getByRole('link', { name: /Neem over in het formulier/ }).first();
  if (await take.count()) await w.follow(() => take.click(), 'voorstel overgenomen');
  const lead = (await page.inputValue('#trekker')).trim() || 'Stichting Gemengd Wonen E2E';
  const partners = (await page.inputValue('#partners')).split('\n').map((p) => p.trim()).filter(Boolean);
  if (!(await page.inputValue('#trekker')).trim()) await page.fill('#trekker', lead);
  if (partners.length < 2) {
    partners.push('Woningcorporatie De Wijk E2E', 'Welzijn Samen E2E');
    await page.fill('#partners', partners.join('\n'));
  }
  await page.fill('#titel', 'E2E leerlijn samenleven in gemengde wijken');
  await page.fill('#doel', 'Aanbod voor corporaties, welzijn en gemeente samen over nieuwe en oude bewoners.');
  if (!(await page.isChecked('#thema-gemengde-wijken'))) await page.check('#thema-gemengde-wijken');
  await page.selectOption('#status', { index: 1 });
  const status = (await page.locator('#status option:checked').innerText()).trim();
  await w.follow(() => page.getByRole('button', { name: 'Opslaan', exact: true }).click(), 'traject opgeslagen');
  r.check(await page.locator('[role=status]').filter({ hasText: 'opgeslagen' }).count() > 0, `${w.label}: bevestiging na opslaan`, page.url());
  await w.shot('06', 'coordinator', 'traject');

  const pub = await open('6 bezoeker', DESKTOP);
  await pub.go('/lacunes/gemengde-wijken', 'openbare lacune');
  const gap = await pub.text();
  r.check(gap.includes('E2E leerlijn samenleven in gemengde wijken') && gap.includes(lead), `${pub.label}: lacune toont het traject en de trekker`, gap.slice(0, 1500));
  r.check(gap.toLowerCase().includes(status.toLowerCase()), `${pub.label}: lacune toont de status`, status);
  await pub.shot('06', 'coordinator', 'lacune');
  const phone = await open('6 bezoeker', PHONE);
  await phone.go('/lacunes/gemengde-wijken', 'openbare lacune');
  await phone.shot('06', 'coordinator', 'lacune');
}

/** 7. Anyone, keyboard only: a suggestion with mistakes, then sent; once more without an address. */
async function contact(ctx, open) {
  const r = ctx.results;
  const w = await open('7 bezoeker', DESKTOP);
  const { page } = w;
  const message = 'Zet op de themapagina ook de podcasts bovenaan, die luister ik in de trein.';
  await w.go('/', 'startpagina');
  await tabTo(w, (el) => el.tag === 'a' && el.pathname === '/contact', 'de link "Vraag of suggestie"', 200);
  await w.follow(() => page.keyboard.press('Enter'), 'contactformulier');
  const radio = await tabTo(w, (el) => el.tag === 'input' && el.type === 'radio', 'de keuze wat je stuurt', 60);
  // Arrow keys move through the radio group to "suggestie".
  let chosen = radio;
  for (let i = 0; i < 5 && !/suggestie/.test(chosen?.value || ''); i += 1) {
    await page.keyboard.press('ArrowDown');
    chosen = await activeElement(page);
  }
  r.check(/suggestie/.test(chosen?.value || '') && chosen.checked, `${w.label}: "suggestie" gekozen met de pijltjes`, JSON.stringify(chosen));
  await tabTo(w, (el) => el.id === 'email', 'het e-mailveld', 10);
  await page.keyboard.type('lezer@');
  await formReady(page);
  await tabTo(w, (el) => el.tag === 'button' && /Verstuur je bericht/.test(el.text), 'de verstuurknop', 10);
  await w.follow(() => page.keyboard.press('Enter'), 'contact met fouten', 422);
  const sum = await errorSummary(page);
  r.check(sum.focused, `${w.label}: foutoverzicht krijgt de focus`, JSON.stringify(await activeElement(page)));
  r.check(sum.items.length === 2 && sum.items.some((t) => t.startsWith('Dit e-mailadres klopt niet')), `${w.label}: beide fouten tegelijk (bericht, e-mailadres)`, sum.items.join('\n'));
  r.check((await page.inputValue('#email')) === 'lezer@' && (await page.locator('input[name="soort"]:checked').getAttribute('value'))?.includes('suggestie'),
    `${w.label}: keuze en e-mailadres blijven staan`, '');
  await w.shot('07', 'contact', 'fouten');
  await tabTo(w, (el) => el.tag === 'a' && el.href === '#bericht', 'de link naar het bericht', 5);
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => document.activeElement?.id === 'bericht');
  await page.keyboard.type(message);
  await page.keyboard.press('Tab');
  await tabTo(w, (el) => el.id === 'email', 'het e-mailveld', 5);
  await page.keyboard.press('Control+A');
  await page.keyboard.type('lezer@e2e.example');
  await formReady(page);
  await tabTo(w, (el) => el.tag === 'button' && /Verstuur je bericht/.test(el.text), 'de verstuurknop', 10);
  await w.follow(() => page.keyboard.press('Enter'), 'bericht ontvangen');
  r.check((await w.text('h1')).includes('Je bericht is ontvangen'), `${w.label}: bericht ontvangen`, await w.text());
  await w.shot('07', 'contact', 'ontvangen');

  // On a phone, without an e-mail address.
  const phone = await open('7 bezoeker', PHONE);
  await phone.go('/contact', 'contactformulier');
  const anonymous = 'Mooi initiatief! Een kaart met aanbod in de buurt zou helpen.';
  await phone.page.locator('input[name="soort"]').last().tap();
  await phone.page.locator('#bericht').fill(anonymous);
  await formReady(phone.page);
  await phone.follow(() => phone.page.getByRole('button', { name: 'Verstuur je bericht' }).tap(), 'bericht zonder e-mailadres');
  r.check((await phone.text()).includes('geen e-mailadres opgegeven'), `${phone.label}: zonder e-mailadres ontvangen`, await phone.text());
  await phone.shot('07', 'contact', 'ontvangen');

  // The coordinator sees both.
  const c = await open('7 coördinator', DESKTOP);
  await c.page.goto(c.url('/beheer/inloggen'));
  await c.page.fill('#email', ctx.coordinatorEmail);
  await c.page.fill('#wachtwoord', ctx.password);
  await Promise.all([c.page.waitForNavigation(), c.page.getByRole('button', { name: 'Inloggen' }).click()]);
  await c.go('/beheer/berichten', 'berichten');
  const inbox = await c.text();
  r.check(inbox.includes(message.slice(0, 40)) && inbox.includes(anonymous.slice(0, 30)), `${c.label}: beide berichten in de back office`, inbox.slice(0, 800));
}

/** 8. The re-user: downloads, the API with filters, its OpenAPI document, a Dutch problem. */
async function reuser(ctx, open) {
  const r = ctx.results;
  const w = await open('8 onderzoeker', DESKTOP, { acceptDownloads: true });
  const { page } = w;
  await w.go('/open-data', 'open data');
  await w.shot('08', 'hergebruiker', 'open-data');
  for (const [name, ext] of [[/CSV/, '.csv'], [/JSON/, '.jsonl']]) {
    const link = page.locator(`main a[href$="${ext}"]`).first();
    const href = await link.getAttribute('href').catch(() => null);
    if (!r.check(!!href, `${w.label}: link naar de download ${ext}`, String(name))) continue;
    const res = await page.request.get(new URL(href, ctx.base).href);
    const body = await res.text();
    const lines = body.trim().split(/\r?\n/);
    const ok = ext === '.csv' ? lines.length > 10 && /titel/i.test(lines[0]) : lines.length > 10 && lines.every((l) => { try { return !!JSON.parse(l).id; } catch { return false; } });
    r.check(res.ok() && ok, `${w.label}: hele catalogus als ${ext} (${lines.length} regels)`, body.slice(0, 300));
  }
  const api = await page.request.get(w.url('/api/v1/aanbod?thema=ondermijning&doelgroep=bewoners&pageSize=5'));
  const json = await api.json();
  r.check(api.ok() && Array.isArray(json.resultaten) && json.resultaten.length > 0 && api.headers()['api-version'] !== undefined,
    `${w.label}: /api/v1/aanbod met filters`, JSON.stringify(json).slice(0, 300));
  const doc = await page.request.get(w.url('/api/v1/openapi.json'));
  const openapi = await doc.json();
  r.check(doc.ok() && /^3\./.test(openapi.openapi) && !!openapi.paths?.['/aanbod'], `${w.label}: OpenAPI-document beschrijft /aanbod`, Object.keys(openapi.paths || {}).join(' '));
  const bad = await page.request.get(w.url('/api/v1/aanbod?pageSize=veel'));
  const problem = await bad.json().catch(() => ({}));
  r.check(bad.status() === 400 && /problem\+json/.test(bad.headers()['content-type'] || '') && /[a-z]/.test(problem.detail || problem.title || '')
    && !/invalid|expected|error/i.test(problem.detail || ''), `${w.label}: fout als problem+json in het Nederlands`, JSON.stringify(problem));

  const phone = await open('8 onderzoeker', PHONE);
  await phone.go('/open-data', 'open data');
  await phone.shot('08', 'hergebruiker', 'open-data');
}

/** 9. The administrator: health, JSON logs, an online backup, the retention page. */
async function administrator(ctx, open) {
  const r = ctx.results;
  const health = await fetch(new URL('/healthz', ctx.base));
  const body = await health.json().catch(() => null);
  r.check(health.status === 200 && body?.status === 'ok', '9 beheerder: /healthz antwoordt ok', JSON.stringify(body));
  const metrics = await fetch(new URL('/metrics', ctx.base));
  if (metrics.status !== 200) ctx.notes.push(`Reis 9: er is geen metrics-endpoint (/metrics geeft ${metrics.status}); JOURNEYS.md vraagt er niet om, de opdracht wel.`);
  if (ctx.server) {
    const logLines = ctx.server.logTail(200).split('\n').filter((l) => l.trim());
    const notJson = logLines.filter((l) => { try { JSON.parse(l); return false; } catch { return true; } });
    r.check(logLines.length > 0 && notJson.length === 0, `9 beheerder: logregels zijn JSON (${logLines.length} bekeken)`, notJson.slice(0, 3).join('\n'));
    const db = ctx.server.mailDir.replace(/\.mail$/, '');
    const target = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'wijkwijzer-backup-')), 'backup.db');
    const { bin } = findServerBinary();
    const out = spawnSync(bin, ['--db', db, 'backup', target], { encoding: 'utf8', env: { ...process.env, WIJKWIJZER_LOG: 'warn' } });
    const size = fs.existsSync(target) ? fs.statSync(target).size : 0;
    r.check(out.status === 0 && size > 100_000, `9 beheerder: online back-up terwijl de server draait (${size} bytes)`, `${out.status} ${out.stderr}`);
    fs.rmSync(path.dirname(target), { recursive: true, force: true });
  }
  const w = await open('9 beheerder', DESKTOP);
  const { page } = w;
  await page.goto(w.url('/beheer/inloggen'));
  await page.fill('#email', ctx.coordinatorEmail);
  await page.fill('#wachtwoord', ctx.password);
  await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Inloggen' }).click()]);
  await w.go('/beheer/privacy', 'privacy en bewaartermijnen');
  r.check(/maanden/.test(await w.text()), `${w.label}: bewaartermijn staat op de privacypagina`, '');
  await w.shot('09', 'beheerder', 'privacy');
  const phone = await open('9 beheerder', PHONE, { storageState: await w.context.storageState() });
  await phone.go('/beheer/privacy', 'privacy en bewaartermijnen');
  await phone.shot('09', 'beheerder', 'privacy');
}

/**
 * Walks the nine journeys. `ctx`: browser, base, results, server (from startServer), mailDir,
 * waitForMail, readMails, coordinatorEmail, password.
 */
export async function run(ctx) {
  const t0 = Date.now();
  const c = { ...ctx, shots: [], notes: [], axeMs: 0, pages: 0 };
  fs.rmSync(SHOTS, { recursive: true, force: true });
  await journey(c, '1: bewoner, telefoon, toetsenbord', (open) => resident(c, open));
  await journey(c, '2: wijkagent, telefoon', (open) => wijkagent(c, open));
  await journey(c, '3: beleidsmaker', (open) => policymaker(c, open));
  await journey(c, '4: aanbieder', (open) => provider(c, open));
  await journey(c, '5: coördinator, maandagochtend', (open) => coordinatorInbox(c, open));
  await journey(c, '6: coördinator, ontwikkeltraject', (open) => developmentTrack(c, open));
  await journey(c, '7: vraag of suggestie, toetsenbord', (open) => contact(c, open));
  await journey(c, '8: hergebruiker', (open) => reuser(c, open));
  await journey(c, '9: beheerder', (open) => administrator(c, open));
  console.log(`\n  reizen: ${c.pages} pagina's (axe ${(c.axeMs / 1000).toFixed(0)} s), ${c.shots.length} screenshots in ${path.relative(process.cwd(), SHOTS)}, ${((Date.now() - t0) / 1000).toFixed(0)} s`);
  for (const n of c.notes) console.log(`  opmerking: ${n}`);
}
