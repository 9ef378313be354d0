// Building blocks of the browser test suite (used by e2e/run.mjs).
// Headless Debian Chromium through playwright-core, accessibility through axe-core.
import { spawn, spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { AxeBuilder } from '@axe-core/playwright';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const ARTIFACTS = path.join(REPO_ROOT, 'e2e', 'artifacts');
export const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];
export const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];
export const MOBILE_WIDTH = 320;

// ---------------------------------------------------------------- results

/** Collects named checks; prints each as it is recorded. */
export class Results {
  constructor() {
    this.passed = 0;
    this.failed = [];
    this.skipped = [];
  }
  pass(name, detail = '') {
    this.passed += 1;
    console.log(`  ok    ${name}${detail ? ` — ${detail}` : ''}`);
  }
  fail(name, detail = '') {
    this.failed.push({ name, detail });
    console.log(`  FOUT  ${name}${detail ? `\n${indent(detail, 8)}` : ''}`);
  }
  check(cond, name, detail = '') {
    if (cond) this.pass(name);
    else this.fail(name, detail);
    return cond;
  }
  skip(name, why) {
    this.skipped.push({ name, why });
    console.log(`  OVERGESLAGEN  ${name} (${why})`);
  }
  summary() {
    console.log('\n==================== samenvatting ====================');
    if (this.skipped.length) {
      console.log(`Overgeslagen (${this.skipped.length}):`);
      for (const s of this.skipped) console.log(`  OVERGESLAGEN ${s.name}: ${s.why}`);
    }
    if (this.failed.length) {
      console.log(`Mislukt (${this.failed.length}):`);
      for (const f of this.failed) console.log(`  FOUT ${f.name}${f.detail ? `\n${indent(f.detail, 6)}` : ''}`);
    }
    console.log(`e2e: ${this.passed} passed, ${this.failed.length} failed, ${this.skipped.length} skipped`);
    return this.failed.length === 0;
  }
}

export function indent(text, n) {
  const pad = ' '.repeat(n);
  return String(text)
    .split('\n')
    .map((l) => pad + l)
    .join('\n');
}

// ---------------------------------------------------------------- server

export async function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

/** The server binary: $WIJKWIJZER_BIN, else target/release/wijkwijzer, else $CARGO_TARGET_DIR/release/wijkwijzer. */
export function findServerBinary() {
  const candidates = [];
  if (process.env.WIJKWIJZER_BIN) candidates.push(path.resolve(REPO_ROOT, process.env.WIJKWIJZER_BIN));
  candidates.push(path.join(REPO_ROOT, 'target', 'release', 'wijkwijzer'));
  if (process.env.CARGO_TARGET_DIR) {
    candidates.push(path.resolve(REPO_ROOT, process.env.CARGO_TARGET_DIR, 'release', 'wijkwijzer'));
  }
  if (process.env.WIJKWIJZER_BIN) {
    // An explicit choice is never silently replaced by another binary.
    return { bin: candidates[0], tried: [candidates[0]] };
  }
  const bin = candidates.find((c) => fs.existsSync(c));
  return { bin, tried: candidates };
}

/**
 * Starts `wijkwijzer --db TMP/e2e.db serve --addr 127.0.0.1:PORT` in a fresh temp dir
 * and waits until GET /healthz answers 200. Returns { base, stop, logTail }.
 */
/** Password of the back-office test accounts. */
export const E2E_PASSWORD = 'e2e wachtwoord voor de browsertest';
/** Back-office test accounts `[email, role]`. */
export const E2E_ACCOUNTS = [
  ['coordinator@e2e.example', 'coordinator'],
  ['redacteur@e2e.example', 'redacteur'],
  ['beheerder@e2e.example', 'beheerder'],
];

/** The current 6-digit TOTP code of a base32 secret (RFC 6238, SHA-1, 30 s). */
export function totp(secret) {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = '';
  for (const c of secret.replace(/=+$/, '').toUpperCase()) bits += alphabet.indexOf(c).toString(2).padStart(5, '0');
  const bytes = [];
  for (let i = 0; i + 8 <= bits.length; i += 8) bytes.push(parseInt(bits.slice(i, i + 8), 2));
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(Date.now() / 1000 / 30)));
  const h = crypto.createHmac('sha1', Buffer.from(bytes)).update(counter).digest();
  const o = h[19] & 0x0f;
  const bin = ((h[o] & 0x7f) << 24) | (h[o + 1] << 16) | (h[o + 2] << 8) | h[o + 3];
  return String(bin % 1_000_000).padStart(6, '0');
}

export async function startServer({ timeoutMs = 180_000 } = {}) {
  const { bin, tried } = findServerBinary();
  if (!bin || !fs.existsSync(bin)) {
    throw new Error(
      `server binary not found (tried: ${tried.join(', ')}); build it with ` +
        '`cargo build --release` or set WIJKWIJZER_BIN',
    );
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wijkwijzer-e2e-'));
  const port = process.env.E2E_PORT ? Number(process.env.E2E_PORT) : await freePort();
  const addr = `127.0.0.1:${port}`;
  const logPath = path.join(dir, 'server.log');
  const log = fs.openSync(logPath, 'a');
  // Back-office test accounts (the beheerder sets up TOTP in the browser test).
  for (const [email, role] of E2E_ACCOUNTS) {
    const r = spawnSync(bin, ['--db', path.join(dir, 'e2e.db'), 'user', 'add', email, '--role', role, '--password-stdin'], {
      input: `${E2E_PASSWORD}\n`,
      encoding: 'utf8',
    });
    if (r.status !== 0) throw new Error(`user add ${email} failed: ${r.stderr}`);
  }
  // An account that still has to choose its password: its one-time link page is checked too.
  const fresh = spawnSync(bin, ['--db', path.join(dir, 'e2e.db'), 'user', 'add', 'nieuw@e2e.example', '--role', 'redacteur'], {
    encoding: 'utf8',
  });
  const passwordLink = /(\/beheer\/wachtwoord\/[0-9a-f]+)/.exec(fresh.stdout || '')?.[1] || null;
  const args = ['--db', path.join(dir, 'e2e.db'), 'serve', '--addr', addr];
  console.log(`server: ${bin} ${args.join(' ')}`);
  const child = spawn(bin, args, {
    cwd: dir,
    env: { ...process.env, WIJKWIJZER_LOG: process.env.WIJKWIJZER_LOG || 'info' },
    stdio: ['ignore', log, log],
  });
  let exited = null;
  child.on('exit', (code, signal) => {
    exited = { code, signal };
  });

  const logTail = (lines = 40) => {
    try {
      return fs.readFileSync(logPath, 'utf8').split('\n').slice(-lines).join('\n');
    } catch {
      return '';
    }
  };
  const stop = async () => {
    if (exited === null) {
      child.kill('SIGTERM');
      const t0 = Date.now();
      while (exited === null && Date.now() - t0 < 5000) await sleep(50);
      if (exited === null) child.kill('SIGKILL');
    }
    fs.closeSync(log);
    if (!process.env.E2E_KEEP_TMP) fs.rmSync(dir, { recursive: true, force: true });
    else console.log(`server temp dir kept: ${dir}`);
  };

  const base = `http://${addr}`;
  const t0 = Date.now();
  for (;;) {
    if (exited !== null) {
      const tail = logTail();
      await stop();
      throw new Error(`server exited early (${JSON.stringify(exited)}); log:\n${tail}`);
    }
    try {
      const res = await fetch(`${base}/healthz`, { signal: AbortSignal.timeout(2000) });
      if (res.status === 200) break;
    } catch {
      /* not listening yet */
    }
    if (Date.now() - t0 > timeoutMs) {
      const tail = logTail();
      await stop();
      throw new Error(`server did not answer /healthz with 200 within ${timeoutMs / 1000}s; log:\n${tail}`);
    }
    await sleep(250);
  }
  console.log(`server: ready on ${base} after ${((Date.now() - t0) / 1000).toFixed(1)}s`);
  return { base, stop, logTail, passwordLink, mailDir: path.join(dir, 'e2e.db.mail') };
}

export function sleep(ms) {
  return new Promise((r) => setTimeout(r, ms));
}

export async function getJson(base, p) {
  const res = await fetch(new URL(p, base), { headers: { accept: 'application/json' } });
  if (!res.ok) throw new Error(`GET ${p}: HTTP ${res.status}`);
  return res.json();
}

export async function statusOf(base, p) {
  try {
    const res = await fetch(new URL(p, base), { redirect: 'manual' });
    await res.arrayBuffer();
    return res.status;
  } catch (e) {
    return `error: ${e.message}`;
  }
}

// ---------------------------------------------------------------- browser

export async function launchBrowser() {
  if (!fs.existsSync(CHROMIUM)) {
    throw new Error(`${CHROMIUM} not found; run scripts/install-test-deps.sh`);
  }
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true });
}

/**
 * A fresh context + page (never browser.newPage()) that records every request
 * to another origin, failed sub-resources, CSP reports and uncaught errors.
 */
export async function openPage(browser, base, contextOptions = {}) {
  const context = await browser.newContext({
    viewport: { width: 1280, height: 900 },
    locale: 'nl-NL',
    ...contextOptions,
  });
  const page = await context.newPage();
  const origin = new URL(base).origin;
  const foreign = [];
  const badResponses = [];
  const cspErrors = [];
  const pageErrors = [];
  const consoleErrors = [];
  page.on('request', (req) => {
    const u = req.url();
    if (u.startsWith('data:') || u.startsWith('blob:') || u.startsWith('about:')) return;
    let o;
    try {
      o = new URL(u).origin;
    } catch {
      o = u;
    }
    if (o !== origin) foreign.push(u);
  });
  page.on('response', (res) => {
    if (res.status() >= 400 && res.request().resourceType() !== 'document') {
      badResponses.push(`${res.status()} ${res.url()}`);
    }
  });
  page.on('console', (msg) => {
    if (msg.type() !== 'error') return;
    const text = msg.text();
    if (/Content.Security.Policy/i.test(text)) cspErrors.push(text);
    else consoleErrors.push(text);
  });
  page.on('pageerror', (err) => pageErrors.push(String(err)));
  const close = () => context.close();
  return { context, page, foreign, badResponses, cspErrors, pageErrors, consoleErrors, close };
}

export async function runAxe(page) {
  const result = await new AxeBuilder({ page }).withTags(AXE_TAGS).analyze();
  return result.violations;
}

export function formatViolations(violations) {
  const out = [];
  for (const v of violations) {
    out.push(`[${v.id}] impact=${v.impact} — ${v.help} (${v.helpUrl})`);
    for (const n of v.nodes.slice(0, 10)) {
      const target = n.target.map((t) => (Array.isArray(t) ? t.join(' >>> ') : t)).join(' | ');
      out.push(`    → ${target}`);
      if (n.failureSummary) out.push(indent(n.failureSummary.replace(/\n\s*/g, '; '), 8));
    }
    if (v.nodes.length > 10) out.push(`    … and ${v.nodes.length - 10} more nodes`);
  }
  return out.join('\n');
}

/** Facts about the page's structure, evaluated in the browser. */
export async function pageStructure(page) {
  return page.evaluate(() => {
    const main = document.querySelector('main, [role="main"]');
    const style = getComputedStyle(document.body);
    return {
      lang: document.documentElement.getAttribute('lang'),
      h1: document.querySelectorAll('h1').length,
      h1Text: [...document.querySelectorAll('h1')].map((h) => h.textContent.trim()).join(' | '),
      mainId: main ? main.id : null,
      themeApplied:
        style.getPropertyValue('--ww-color-primary').trim() !== '' ||
        getComputedStyle(document.documentElement).getPropertyValue('--ww-color-primary').trim() !== '',
      title: document.title,
    };
  });
}

export async function landmarkCounts(page) {
  return {
    main: await page.getByRole('main').count(),
    banner: await page.getByRole('banner').count(),
    contentinfo: await page.getByRole('contentinfo').count(),
  };
}

/** Describes document.activeElement (for keyboard steps). */
export async function activeElement(page) {
  return page.evaluate(() => {
    const el = document.activeElement;
    if (!el || el === document.body) return null;
    return {
      tag: el.tagName.toLowerCase(),
      type: el.getAttribute('type'),
      name: el.getAttribute('name'),
      value: el.value ?? null,
      checked: el.checked ?? null,
      id: el.id,
      href: el.getAttribute('href'),
      pathname: el.tagName === 'A' && el.href ? new URL(el.href).pathname : null,
      text: (el.innerText || el.value || el.getAttribute('aria-label') || '').trim().slice(0, 80),
      role: el.getAttribute('role'),
      inMain: !!el.closest('main, [role="main"]'),
    };
  });
}

/** Presses Tab until predicate(activeElement) holds; returns the element or null. */
export async function tabUntil(page, predicate, maxTabs = 400) {
  for (let i = 0; i < maxTabs; i += 1) {
    await page.keyboard.press('Tab');
    const el = await activeElement(page);
    if (el && predicate(el)) return el;
  }
  return null;
}

/** The text of the first aria-live region inside main (the result count). */
export async function liveRegionText(page) {
  const loc = page.locator('main [aria-live], [role="main"] [aria-live]').first();
  if ((await loc.count()) === 0) return null;
  return (await loc.innerText()).trim();
}

export function firstNumber(text) {
  const m = String(text ?? '').replace(/\./g, '').match(/\d+/);
  return m ? Number(m[0]) : null;
}
