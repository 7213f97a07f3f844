// The built site in a real browser (Debian's Chromium driven by
// playwright-core): the home page's requirements wizard against
// api/recommendations.json, the permalink pages and the CLI; the
// nearest preset; Mermaid diagrams rendered to SVG; the matrix filters;
// no console errors; axe-core's WCAG 2 A/AA rules; and a screenshot of
// a wizard answer in build/test-results/wizard.png.
//
// Run: node --test tests/site/browser.test.mjs  (after `make`).
// ATLAS_SITE and ATLAS_BIN override build/site and build/sandbox-atlas.

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawn, execFile } from "node:child_process";
import { mkdirSync, readFileSync, readdirSync, existsSync } from "node:fs";
import { createServer } from "node:net";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";
import { AxeBuilder } from "@axe-core/playwright";

const top = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const site = resolve(process.env.ATLAS_SITE || join(top, "build/site"));
const bin = resolve(process.env.ATLAS_BIN || join(top, "build/sandbox-atlas"));
const shots = join(top, "build/test-results");
const CHROMIUM = "/usr/bin/chromium";
const FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
  "--disable-background-networking", "--disable-component-update", "--disable-sync"];

const recs = JSON.parse(readFileSync(join(site, "api/recommendations.json"), "utf8"));
const scenarios = JSON.parse(readFileSync(join(site, "api/scenarios.json"), "utf8")).scenarios;
const frameworks = JSON.parse(readFileSync(join(site, "api/frameworks.json"), "utf8")).frameworks;
const dims = recs.dimensions.map((d) => d.name);
const toks = Object.fromEntries(recs.dimensions.map((d) => [d.name, d.tokens]));
const keyOf = (req) => dims.map((d) => req[d]).join("/");
const byKey = new Map(recs.combinations.map((c) => [keyOf(c.requirements), c]));

// The fixed combinations: 24 spread over recommendations.json by a
// stride coprime to its length (test (a) checks that every token of
// every dimension occurs); then one with a null primary, one with a
// primary but no fallback (where recommendations.json has them) and
// every preset's own requirements.
function combinations() {
	const out = new Map();
	const add = (req) => out.set(keyOf(req), req);
	const n = recs.combinations.length;
	for (let i = 0; i < 24; i++)
		add(recs.combinations[(i * 997 + 7) % n].requirements);
	const nullPrimary = recs.combinations.find((c) => c.primary === null);
	if (nullPrimary) add(nullPrimary.requirements);
	const nullFallback = recs.combinations.find((c) => c.primary !== null && c.fallback === null);
	if (nullFallback) add(nullFallback.requirements);
	for (const s of scenarios) add(s.requirements);
	return { list: [...out.values()], nullPrimary, nullFallback };
}
const COMBOS = combinations();

function freePort() {
	return new Promise((ok, fail) => {
		const srv = createServer();
		srv.on("error", fail);
		srv.listen(0, "127.0.0.1", () => {
			const { port } = srv.address();
			srv.close(() => ok(port));
		});
	});
}

function cli(req) {
	const args = ["recommend", "-C", top];
	for (const d of dims) args.push("--" + d, req[d]);
	args.push("--format", "json");
	return new Promise((ok, fail) => {
		execFile(bin, args, { timeout: 20000, maxBuffer: 16 << 20 }, (err, stdout, stderr) => {
			if (err) fail(new Error(`${bin} ${args.join(" ")}: ${err.message} ${stderr}`));
			else ok(JSON.parse(stdout));
		});
	});
}

let server, browser, base, home;
const pageLog = new WeakMap();

// A page that records console errors, uncaught exceptions, failed
// requests and HTTP errors.
async function newPage(opts = {}) {
	const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 }, ...opts });
	const page = await ctx.newPage();
	const log = [];
	page.on("console", (m) => { if (m.type() === "error") log.push("console: " + m.text()); });
	page.on("pageerror", (e) => log.push("pageerror: " + e.message));
	page.on("requestfailed", (r) => log.push("requestfailed: " + r.url() + " " + (r.failure()?.errorText ?? "")));
	page.on("response", (r) => { if (r.status() >= 400) log.push(`HTTP ${r.status()}: ${r.url()}`); });
	pageLog.set(page, log);
	return page;
}

before(async () => {
	for (const f of [CHROMIUM, bin, join(site, "index.html")])
		if (!existsSync(f)) throw new Error(`${f} is missing: run make (chromium: tools/deps.sh test)`);
	const port = await freePort();
	base = `http://127.0.0.1:${port}/`;
	server = spawn("/usr/bin/python3", ["-m", "http.server", String(port), "--bind", "127.0.0.1",
		"--directory", site], { stdio: "ignore" });
	let up = false;
	for (let i = 0; i < 100 && !up; i++) {	// at most ~10 s
		if (server.exitCode !== null) throw new Error("http.server exited: " + server.exitCode);
		try { up = (await fetch(base + "robots.txt")).ok; } catch { /* not yet */ }
		if (!up) await new Promise((r) => setTimeout(r, 100));
	}
	if (!up) throw new Error("http.server did not answer on " + base);
	browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: FLAGS });
	home = await newPage();
	await home.goto(base + "index.html");
});

after(async () => {
	try {
		if (browser) await browser.close();
	} finally {
		if (server && server.exitCode === null) server.kill("SIGTERM");
	}
});

// Sets the wizard's six selects and waits for its answer to this
// combination; returns what it shows.  The default picks each option as
// a user would; bulk: true sets the six values at once and sends one
// change event, which is what the wizard listens to.
const wizardSeen = new Map();
async function wizardAnswer(page, req, { bulk = false } = {}) {
	if (bulk) {
		await page.evaluate(([ds, r]) => {
			for (const d of ds)
				document.getElementById("wizard-" + d).value = r[d];
			document.getElementById("wizard-" + ds[ds.length - 1])
			    .dispatchEvent(new Event("change", { bubbles: true }));
		}, [dims, req]);
	} else {
		for (const d of dims)
			await page.selectOption(`#wizard-${d}`, req[d]);
	}
	const key = keyOf(req);
	await page.waitForFunction((k) => document.getElementById("wizard-result")
	    ?.getAttribute("data-requirements") === k, key, { timeout: 15000 });
	return page.evaluate(() => {
		const slug = (id) => document.getElementById(id)?.getAttribute("data-slug") ?? null;
		return {
			primary: slug("wizard-primary"),
			fallback: slug("wizard-fallback"),
			top: [...document.querySelectorAll("#wizard-top > li")].map((li) => li.getAttribute("data-slug")),
			nearest: slug("wizard-nearest"),
			command: document.getElementById("wizard-command")?.textContent ?? null,
			permalink: document.getElementById("wizard-permalink")?.href ?? null,
		};
	}).then((ans) => { wizardSeen.set(key, ans); return ans; });
}

const permalinks = new Map();
async function permalinkAnswer(page, url) {
	if (permalinks.has(url)) return permalinks.get(url);
	const r = await page.goto(url);
	assert.equal(r.status(), 200, url);
	const ans = await page.evaluate(() => {
		const slug = (id) => document.getElementById(id)?.getAttribute("data-slug") ?? null;
		let nearest = slug("answer-nearest");
		if (nearest === null) {
			const a = document.querySelector("#answer a[href*='scenarios/']");
			const m = a && a.getAttribute("href").match(/scenarios\/([a-z0-9-]+)\/index\.html$/);
			nearest = m ? m[1] : null;
		}
		return {
			primary: slug("answer-primary"),
			fallback: slug("answer-fallback"),
			top: [...document.querySelectorAll("#answer-top > li")].map((li) => li.getAttribute("data-slug")),
			nearest,
			command: document.querySelector("#answer pre code")?.textContent ?? null,
		};
	});
	permalinks.set(url, ans);
	return ans;
}

const expectedCommand = (req) => "sandbox-atlas guide " +
    dims.map((d) => `--${d} ${req[d]}`).join(" ") + " -o guide";
const expectedPermalink = (req) => base + "recommend/" + dims.map((d) => req[d]).join("/") + "/index.html";

test("(a) wizard answers equal recommendations.json, the permalink pages and the CLI", async (t) => {
	const list = COMBOS.list;
	assert.ok(list.length >= 25, `only ${list.length} combinations`);
	for (const d of dims)
		for (const tok of toks[d])
			assert.ok(list.some((r) => r[d] === tok), `no combination has ${d}=${tok}`);
	if (COMBOS.nullPrimary) t.diagnostic("null primary: " + keyOf(COMBOS.nullPrimary.requirements));
	else t.diagnostic("recommendations.json has no combination with a null primary");
	if (COMBOS.nullFallback) t.diagnostic("primary, null fallback: " + keyOf(COMBOS.nullFallback.requirements));
	else t.diagnostic("recommendations.json has no combination with a primary and a null fallback");
	const fromCli = await Promise.all(list.map(cli));
	const perm = await newPage();
	try {
		for (const [i, req] of list.entries()) {
			const key = keyOf(req);
			const json = byKey.get(key);
			assert.ok(json, `${key} missing from recommendations.json`);
			const want = {
				primary: json.primary ?? "",
				fallback: json.fallback ?? "",
				top: json.top.map((c) => c.slug),
			};
			assert.equal(want.top.length, Math.min(3, fromCli[i].ranking.length), key);
			const w = await wizardAnswer(home, req, { bulk: true });
			assert.deepEqual({ primary: w.primary, fallback: w.fallback, top: w.top }, want, "wizard " + key);
			assert.equal(w.command, expectedCommand(req), key);
			assert.equal(w.permalink, expectedPermalink(req), key);
			const p = await permalinkAnswer(perm, w.permalink);
			assert.deepEqual({ primary: p.primary, fallback: p.fallback, top: p.top }, want, "permalink " + key);
			assert.equal(p.command, w.command, key);
			const c = fromCli[i];
			assert.deepEqual({ primary: c.primary ?? "", fallback: c.fallback ?? "",
				top: c.ranking.slice(0, 3).map((x) => x.slug) }, want,
			    `CLI ${key} (is build/site older than content/? run make)`);
		}
	} finally {
		await perm.context().close();
	}
	t.diagnostic(`${list.length} combinations compared`);
});

test("(b) the wizard's nearest preset is the permalink page's", async (t) => {
	const perm = await newPage();
	try {
		for (const req of COMBOS.list) {
			// What the wizard showed in (a), when (a) ran.
			const w = wizardSeen.get(keyOf(req)) ?? await wizardAnswer(home, req, { bulk: true });
			assert.ok(w.nearest, "the wizard shows no nearest preset for " + keyOf(req));
			const p = await permalinkAnswer(perm, expectedPermalink(req));
			assert.equal(w.nearest, p.nearest, keyOf(req));
		}
		// A preset's own requirements lead to that preset.
		for (const s of scenarios)
			assert.equal((await wizardAnswer(home, s.requirements, { bulk: true })).nearest, s.slug);
		// The links it gives exist.
		const hrefs = await home.$$eval("#wizard-nearest a", (as) => as.map((a) => a.href));
		assert.equal(hrefs.length, 3);
		for (const h of hrefs)
			assert.equal((await fetch(h, { method: "HEAD" })).status, 200, h);
	} finally {
		await perm.context().close();
	}
});

test("(c) every guide's Mermaid diagram renders to SVG", async () => {
	const slugs = readdirSync(join(site, "scenarios")).filter((s) => existsSync(join(site, "scenarios", s, "index.html")));
	assert.ok(slugs.length > 0, "no guide pages");
	const page = await newPage();
	try {
		for (const s of slugs) {
			await page.goto(`${base}scenarios/${s}/index.html`);
			const n = await page.locator("code.language-mermaid").count();
			assert.ok(n > 0, s + " has no Mermaid block");
			await page.locator(".diagram-rendered svg").nth(n - 1).waitFor({ timeout: 20000 });
			const info = await page.evaluate(() => [...document.querySelectorAll(".diagram-rendered svg")].map((svg) => ({
				role: svg.getAttribute("aria-roledescription"),
				nodes: svg.querySelectorAll(".node").length,
			})));
			assert.equal(info.length, n, s);
			for (const d of info) {
				assert.match(d.role ?? "", /flowchart|sequence|state|class/, s);
				assert.ok(d.nodes > 0, s + ": an empty diagram");
			}
			assert.equal(await page.locator("pre:has(code.language-mermaid):visible").count(), 0,
			    s + ": the Mermaid source is still shown");
			assert.equal(await page.locator("text=Syntax error in text").count(), 0, s);
		}
	} finally {
		await page.context().close();
	}
});

test("(d) the matrix filters hide the rows that do not match", async () => {
	const page = await newPage();
	try {
		await page.goto(base + "matrix/index.html");
		await page.locator("#matrix-filters").waitFor({ state: "visible" });
		const rows = page.locator("#matrix tbody tr");
		const total = await rows.count();
		assert.ok(total > 1);
		const visible = () => page.locator("#matrix tbody tr:visible").count();
		assert.equal(await visible(), total);
		const selects = await page.$$eval("#matrix-filters select", (ss) =>
			ss.map((s) => ({ name: s.name, values: [...s.options].map((o) => o.value).filter(Boolean) })));
		assert.ok(selects.length > 0);
		let hidSome = false;
		for (const s of selects) {
			for (const v of s.values) {
				await page.selectOption(`#matrix-filters select[name="${s.name}"]`, v);
				const want = await page.$$eval("#matrix tbody tr", (trs, [n, val]) =>
					trs.filter((tr) => tr.getAttribute("data-" + n) === val).length, [s.name, v]);
				assert.ok(want > 0, `${s.name}=${v} offered but matches no row`);
				assert.equal(await visible(), want, `${s.name}=${v}`);
				assert.equal(await page.textContent("#matrix-count"), `${want} of ${total} shown`);
				if (want < total) hidSome = true;
			}
			await page.selectOption(`#matrix-filters select[name="${s.name}"]`, "");
			assert.equal(await visible(), total);
		}
		assert.ok(hidSome, "no filter value hides any row");
		// Two filters at once: the intersection.
		const [a, b] = selects;
		if (a && b && a.values.length && b.values.length) {
			await page.selectOption(`#matrix-filters select[name="${a.name}"]`, a.values[0]);
			await page.selectOption(`#matrix-filters select[name="${b.name}"]`, b.values[0]);
			const want = await page.$$eval("#matrix tbody tr", (trs, [an, av, bn, bv]) =>
				trs.filter((tr) => tr.getAttribute("data-" + an) === av &&
				    tr.getAttribute("data-" + bn) === bv).length, [a.name, a.values[0], b.name, b.values[0]]);
			assert.equal(await visible(), want);
		}
	} finally {
		await page.context().close();
	}
});

// The five pages of (e) and (f); home with a wizard answer shown.
const samplePreset = scenarios[0];
const PAGES = [
	["home", "index.html"],
	["matrix", "matrix/index.html"],
	["framework", `frameworks/${(frameworks.find((f) => f.kind === "sandbox") ?? frameworks[0]).slug}/index.html`],
	["guide", `scenarios/${samplePreset.slug}/index.html`],
	["permalink", "recommend/" + dims.map((d) => samplePreset.requirements[d]).join("/") + "/index.html"],
];

async function settle(page, name) {
	if (name === "home") await wizardAnswer(page, samplePreset.requirements);
	if (name === "guide") await page.locator(".diagram-rendered svg").first().waitFor({ timeout: 20000 });
	if (name === "matrix") await page.locator("#matrix-filters").waitFor({ state: "visible" });
}

// One pass over the pages for (e) and (f): every rule in the light
// scheme; in the dark scheme only the colour rules, on the pages of the
// wizard and its answers (axe's contrast rule costs seconds per page on
// two cores).
let audited = null;
function audit() {
	if (audited)
		return audited;
	const runs = PAGES.map((p) => ["light", ...p]).concat(PAGES.filter(([name]) =>
	    name === "home" || name === "permalink").map((p) => ["dark", ...p]));
	audited = (async () => {
		const out = { problems: [], serious: [], minor: [], times: [] };
		const one = async ([scheme, name, path]) => {
			const t0 = Date.now();
			const page = await newPage({ colorScheme: scheme });
			try {
				await page.goto(base + path);
				await settle(page, name);
				for (const m of pageLog.get(page))
					out.problems.push(`${scheme} ${name}: ${m}`);
				let axe = new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]);
				if (scheme === "dark")
					axe = axe.withRules(["color-contrast", "link-in-text-block"]);
				for (const v of (await axe.analyze()).violations) {
					const where = v.nodes.slice(0, 3).map((n) => n.target.join(" ")).join(", ");
					(v.impact === "serious" || v.impact === "critical" ? out.serious : out.minor)
					    .push(`${scheme} ${name}: ${v.id} [${v.impact}] ${where}`);
				}
			} finally {
				await page.context().close();
			}
			out.times.push(`${scheme} ${name} ${Date.now() - t0} ms`);
		};
		// Two pages at a time: one per core.
		const queue = runs.slice();
		const lane = async () => { while (queue.length) await one(queue.shift()); };
		await Promise.all([lane(), lane()]);
		out.problems.sort(); out.serious.sort(); out.minor.sort();
		return out;
	})();
	return audited;
}

test("(e) no console errors on home, matrix, a framework, a guide and a permalink page", async (t) => {
	const res = await audit();
	t.diagnostic("load and axe: " + res.times.join(", "));
	assert.deepEqual(res.problems, []);
});

test("(f) axe-core finds no serious or critical WCAG 2 A/AA violation", async (t) => {
	const res = await audit();
	for (const m of res.minor)
		t.diagnostic(m);
	assert.deepEqual(res.serious, []);
});

test("(g) screenshot of a wizard answer", async () => {
	mkdirSync(shots, { recursive: true });
	const page = await newPage();
	try {
		await page.goto(base + "index.html");
		const w = await wizardAnswer(page, samplePreset.requirements);
		assert.equal(w.primary, byKey.get(keyOf(samplePreset.requirements)).primary ?? "");
		await page.screenshot({ path: join(shots, "wizard.png"), fullPage: true });
		assert.ok(existsSync(join(shots, "wizard.png")));
	} finally {
		await page.context().close();
	}
});

test("without JavaScript the wizard shows the chooser link and no form", async () => {
	const page = await newPage({ javaScriptEnabled: false });
	try {
		await page.goto(base + "index.html");
		assert.equal(await page.locator("#wizard-form").isVisible(), false);
		assert.equal(await page.locator("#wizard select:visible").count(), 0);
		const link = page.locator("#wizard a[href='recommend/index.html']");
		assert.equal(await link.isVisible(), true);
		await link.click();
		await page.waitForURL(/recommend\/index\.html$/);
		assert.equal(await page.locator("a[href='code-execution/index.html']").count(), 1);
	} finally {
		await page.context().close();
	}
});
