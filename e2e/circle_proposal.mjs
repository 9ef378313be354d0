// Browser test of issue #18's walk: two residents and a policymaker in three municipalities ask
// related questions with peer consent; the coordinator sees them as a cluster and proposes a
// learning circle with one click; all three accept by mail (one with the keyboard only, one
// without JavaScript); the members page lists only who consented; the circle's meeting is in
// its .ics; its result is proposed, approved and found in the catalogue search. Then the roles
// (anonymous, member, facilitator), consent withdrawn (hidden at once) and an account deleted
// (gone from the circle).
import { openPage, sleep, tabUntil } from './lib.mjs';
import { publishResult } from './leerkringen.mjs';

const ASKERS = [
  {
    key: 'bewoner Venlo',
    email: 'minibieb-venlo@e2e.example',
    doelgroep: 'bewoners',
    gemeente: 'Venlo',
    naam: 'Sanne Venlo',
    vraag: 'We willen een minibieb in onze straat zetten, zodat buren elkaar leren kennen. Hoe beginnen we een minibieb of ruilkast in de buurt?',
  },
  {
    key: 'bewoner Hengelo',
    email: 'minibieb-hengelo@e2e.example',
    doelgroep: 'bewoners',
    gemeente: 'Hengelo',
    naam: 'Joris Hengelo',
    vraag: 'Hoe start je met buren een minibieb of ruilkast in de buurt, zodat buren elkaar leren kennen?',
  },
  {
    key: 'beleidsmaker Zwolle',
    email: 'minibieb-zwolle@e2e.example',
    doelgroep: 'beleidsmakers',
    gemeente: 'Zwolle',
    naam: 'Mila Zwolle',
    vraag: 'Hoe helpt de gemeente bewoners die een minibieb of ruilkast in de buurt willen beginnen, zodat buren elkaar leren kennen?',
  },
];

/** Asks one question on /leervraag with consent to peer contact (municipality and role shared). */
async function ask(browser, base, asker, { javaScriptEnabled = true } = {}) {
  const { page, close } = await openPage(browser, base, { javaScriptEnabled });
  try {
    await page.goto(new URL('/leervraag', base).href);
    await sleep(2300); // the form refuses submissions faster than a person could fill it in
    await page.fill('#vraag', asker.vraag);
    await page.selectOption('#doelgroep', asker.doelgroep);
    await page.fill('#gemeente', asker.gemeente);
    await page.fill('#email', asker.email);
    await page.check('#toestemming');
    await page.check('#contact');
    await page.check('#contact_gemeente');
    await page.check('#contact_rol');
    const [res] = await Promise.all([page.waitForNavigation(), page.locator('form button[type=submit]').last().click()]);
    return { status: res?.status(), text: await page.locator('main').innerText() };
  } finally {
    await close();
  }
}

/** Opens the invitation link from the asker's mail; returns it or null. */
async function invitationLink(ctx, email) {
  const m = await ctx.waitForMail(ctx.mailDir, (x) => x.headers.includes(email) && x.text.includes('/leerkringen/uitnodiging/'), 30_000);
  return m && /https?:\/\/\S+\/leerkringen\/uitnodiging\/[0-9a-f]{64}/.exec(m.text)?.[0];
}

/** Runs the walk; `ctx` holds the suite's shared pieces. */
export async function run(ctx) {
  const { browser, base, results, axeHere, login, coordinatorEmail } = ctx;
  console.log('\n# leerkring voorgesteld uit een cluster van vragen');
  const name = 'voorstel';
  const sessions = [];
  try {
    // Three askers, three municipalities; the last one without JavaScript.
    for (const [i, a] of ASKERS.entries()) {
      const r = await ask(browser, base, a, { javaScriptEnabled: i !== 2 });
      results.check(r.status === 200, `${name}: ${a.key} stelt een vraag met toestemming voor contact`, `${r.status} ${r.text.slice(0, 300)}`);
    }

    // The coordinator sees them as one cluster and proposes a circle with one click.
    const coordinator = await login(browser, base, coordinatorEmail);
    let circleUrl = null;
    try {
      const p = coordinator.page;
      await p.goto(new URL('/beheer/leerkringen/clusters', base).href);
      await axeHere(p, `${name}: clusters met de drie vragen`);
      const row = p.locator('tr', { hasText: 'minibieb' }).filter({ has: p.getByRole('button', { name: /Stel een leerkring voor/ }) });
      if (!results.check((await row.count()) === 1, `${name}: één cluster over de minibieb`, (await p.locator('main').innerText()).slice(0, 1500))) return;
      const cells = await row.locator('td').allInnerTexts();
      results.check(cells[3] === '3' && cells[4] === '3' && cells[5] === '3', `${name}: cluster van 3 vragen uit 3 gemeenten, 3 willen contact`, cells.slice(1).join(' | '));
      // With the keyboard: focus the row's button and press Enter.
      await row.getByRole('button', { name: /Stel een leerkring voor/ }).focus();
      await Promise.all([p.waitForNavigation(), p.keyboard.press('Enter')]);
      const u = new URL(p.url());
      results.check(u.searchParams.get('melding') === 'voorgesteld' && u.searchParams.get('uitgenodigd') === '3', `${name}: voorgesteld, 3 uitnodigingen`, p.url());
      await axeHere(p, `${name}: beheer voorgestelde leerkring`);
      circleUrl = await p.getByRole('link', { name: 'Openbare pagina' }).getAttribute('href');
    } finally {
      await coordinator.close();
    }
    const slug = circleUrl?.split('/').pop();
    if (!results.check(!!slug, `${name}: leerkring met openbare pagina`, String(circleUrl))) return;

    // The first accepts with the keyboard only and so facilitates; the policymaker without
    // JavaScript; the second resident does not want to be named.
    for (const [i, a] of ASKERS.entries()) {
      const link = await invitationLink(ctx, a.email);
      if (!results.check(!!link, `${name}: ${a.key} krijgt een uitnodiging per mail`, ctx.mailDir)) return;
      const s = await openPage(browser, base, { javaScriptEnabled: i !== 2 });
      sessions.push(s);
      await s.page.goto(link);
      if (i === 0) {
        await axeHere(s.page, `${name}: uitnodiging aannemen`);
        const naam = await tabUntil(s.page, (el) => el.tag === 'input' && el.id === 'naam', 80);
        if (!results.check(!!naam, `${name}: Tab bereikt het naamveld`, '')) return;
        await s.page.keyboard.type(a.naam);
        await tabUntil(s.page, (el) => el.tag === 'input' && el.id === 'zichtbaar', 10);
        await s.page.keyboard.press('Space');
        await tabUntil(s.page, (el) => el.tag === 'button' && /Uitnodiging aannemen/.test(el.text), 10);
        await Promise.all([s.page.waitForNavigation(), s.page.keyboard.press('Enter')]);
      } else {
        await s.page.fill('#naam', a.naam);
        if (i === 2) await s.page.check('#zichtbaar');
        await Promise.all([s.page.waitForNavigation(), s.page.getByRole('button', { name: 'Uitnodiging aannemen' }).click()]);
      }
      const want = i === 0 ? 'begeleider' : 'lid';
      results.check(new URL(s.page.url()).pathname === `/leerkringen/${slug}/leden` && (await s.page.locator('main').innerText()).includes(i === 0 ? 'Jij bent de begeleider' : 'Je bent lid'), `${name}: ${a.key} neemt aan en is ${want}`, s.page.url());
    }
    const [lead, member, policy] = sessions.map((s) => s.page);

    // Only who consented is named.
    await lead.goto(new URL(`/leerkringen/${slug}/leden`, base).href);
    await axeHere(lead, `${name}: ledenpagina van de begeleider`);
    let leden = await lead.locator('main').innerText();
    results.check(leden.includes('Sanne Venlo') && leden.includes('Mila Zwolle') && !leden.includes('Joris Hengelo') && leden.includes('En 1 lid dat niet genoemd wil worden'), `${name}: leden genoemd alleen met toestemming`, leden.slice(0, 600));
    results.check(!leden.includes('@e2e.example'), `${name}: geen e-mailadressen op de ledenpagina`, '');

    // The facilitator adds a meeting; it is on the public page's .ics.
    const day = new Date(Date.now() + 14 * 86_400_000).toISOString().slice(0, 10);
    await lead.fill('#bijeenkomst-datum', day);
    await lead.fill('#bijeenkomst-tijd', '20:00');
    await lead.fill('#bijeenkomst-titel', 'Minibieb: eerste avond');
    await lead.fill('#bijeenkomst-plaats', 'Online');
    await Promise.all([lead.waitForNavigation(), lead.getByRole('button', { name: 'Bijeenkomst toevoegen' }).click()]);
    const icsRes = await fetch(new URL(`/leerkringen/${slug}/bijeenkomsten.ics`, base));
    const ics = await icsRes.text();
    const compact = day.replaceAll('-', '');
    results.check(icsRes.headers.get('content-type')?.startsWith('text/calendar') && ics.includes('SUMMARY:Minibieb: eerste avond') && ics.includes(`DTSTART:${compact}T`), `${name}: bijeenkomst in de .ics van de leerkring`, ics.slice(0, 500));
    await lead.goto(new URL(`/leerkringen/${slug}`, base).href);
    await axeHere(lead, `${name}: openbare pagina`);
    results.check((await lead.locator(`a[href$="/leerkringen/${slug}/bijeenkomsten.ics"]`).count()) > 0, `${name}: openbare pagina linkt naar de .ics`, '');

    // Roles: anonymous sees no members page; a member gets no facilitator forms and is refused.
    {
      const anon = await openPage(browser, base);
      try {
        const res = await anon.page.goto(new URL(`/leerkringen/${slug}/leden`, base).href);
        const text = await anon.page.locator('main').innerText();
        results.check(!text.includes('Sanne Venlo') && !text.includes('Minibieb: eerste avond'), `${name}: anoniem ziet geen leden of bijeenkomsten`, `${res?.status()} ${anon.page.url()}`);
      } finally {
        await anon.close();
      }
    }
    await member.goto(new URL(`/leerkringen/${slug}/leden`, base).href);
    results.check((await member.getByRole('button', { name: 'Bijeenkomst toevoegen' }).count()) === 0, `${name}: lid ziet geen formulier voor bijeenkomsten`, '');
    {
      const csrf = await member.locator('input[name=csrf]').first().inputValue();
      const res = await member.request.post(new URL(`/leerkringen/${slug}/bijeenkomsten`, base).href, {
        form: { csrf, datum: day, tijd: '21:00', titel: 'Door een lid', plaats: 'Online' },
        maxRedirects: 0,
      });
      results.check(res.status() === 403, `${name}: lid mag geen bijeenkomst toevoegen (403)`, String(res.status()));
    }

    // Consent withdrawn: the policymaker is no longer named, at once.
    await policy.goto(new URL(`/leerkringen/${slug}/leden`, base).href);
    await Promise.all([policy.waitForNavigation(), policy.getByRole('button', { name: 'Noem mij niet meer' }).click()]);
    await lead.goto(new URL(`/leerkringen/${slug}/leden`, base).href);
    leden = await lead.locator('main').innerText();
    results.check(!leden.includes('Mila Zwolle') && leden.includes('En 2 leden die niet genoemd willen worden'), `${name}: toestemming ingetrokken, direct niet meer genoemd`, leden.slice(0, 600));

    // An account deleted: gone from the circle.
    await member.goto(new URL('/mijn', base).href);
    await member.check('#zeker');
    await Promise.all([member.waitForNavigation(), member.getByRole('button', { name: 'Verwijder mijn account' }).click()]);
    results.check((await member.locator('h1').innerText()).includes('Je account is verwijderd'), `${name}: lid verwijdert het account`, '');
    await lead.goto(new URL(`/leerkringen/${slug}/leden`, base).href);
    leden = await lead.locator('main').innerText();
    results.check(leden.includes('En 1 lid dat niet genoemd wil worden'), `${name}: verwijderd account is geen lid meer`, leden.slice(0, 600));

    // What the circle made becomes supply.
    await publishResult(ctx, lead, slug, {
      name,
      titel: 'E2E handleiding minibieb voor buren',
      query: 'handleiding minibieb buren',
    });
  } catch (e) {
    results.fail(`${name}: test kon niet draaien`, e.stack || String(e));
  } finally {
    for (const s of sessions) await s.close();
  }
}
