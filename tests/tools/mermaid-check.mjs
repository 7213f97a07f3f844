// Checks the syntax of Mermaid diagrams with Mermaid's own parser.
//
// Usage: node tests/tools/mermaid-check.mjs FILE...
//
//   *.mmd   the whole file is one diagram
//   *.md    every ```mermaid (or ~~~mermaid) fenced block is a diagram
//   *.html  the text of every <code class="language-mermaid"> element is a
//           diagram (entities &lt; &gt; &amp; &quot; &#39; and numeric
//           references are decoded)
//
// Each diagram goes through mermaid.parse() under jsdom (Mermaid needs a DOM
// for DOMPurify even to parse), with securityLevel "strict", in one process
// for all files.  It prints one line per diagram, "ok FILE#N" or
// "not ok FILE#N: message", then "mermaid: N passed, M failed".
// Exit status: 0 when every diagram parsed, 1 when one failed, a file could
// not be read, or no diagram was found in any of the files; 2 on usage error.
// Mermaid and jsdom come from tests/node_modules (run `npm ci` in tests/).

import { readFileSync } from "node:fs";
import { extname } from "node:path";

// Markdown: CommonMark fenced code blocks.  Returns [{text, line}] where
// line is the 1-based file line of the diagram's first line; an unclosed
// mermaid fence is returned with error set.  Fences of other languages are
// skipped whole, so a ```mermaid inside a ````markdown example is not taken.
function mdDiagrams(src) {
	const lines = src.split(/\r?\n/);
	const out = [];
	const open = /^( {0,3})(`{3,}|~{3,})(.*)$/;
	for (let i = 0; i < lines.length; i++) {
		const m = open.exec(lines[i]);
		if (m === null)
			continue;
		const indent = m[1].length, fence = m[2], info = m[3].trim();
		if (fence[0] === "`" && info.includes("`"))
			continue;	// not a fence: backtick in a backtick info string
		const lang = info.split(/\s+/)[0];	// case-sensitive, like the class cmark-gfm writes
		const close = new RegExp("^ {0,3}" + (fence[0] === "`" ? "`" : "~") +
		    "{" + fence.length + ",}\\s*$");
		const body = [];
		let j = i + 1;
		for (; j < lines.length && !close.test(lines[j]); j++)
			body.push(lines[j].replace(new RegExp("^ {0," + indent + "}"), ""));
		if (lang === "mermaid")
			out.push({ text: body.join("\n"), line: i + 2,
			    error: j >= lines.length ? "unclosed " + fence + "mermaid fence (opened on line " + (i + 1) + ")" : null });
		i = j;
	}
	return out;
}

function unescapeHtml(s) {
	return s.replace(/&(lt|gt|quot|#39|#[0-9]+|#[xX][0-9a-fA-F]+|amp);/g, (all, e) => {
		switch (e) {
		case "lt": return "<";
		case "gt": return ">";
		case "quot": return "\"";
		case "amp": return "&";
		case "#39": return "'";
		}
		const n = e[1] === "x" || e[1] === "X" ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10);
		return n > 0 && n <= 0x10ffff ? String.fromCodePoint(n) : all;
	});
}

// HTML: <code ... class="... language-mermaid ..." ...>TEXT</code>.
function htmlDiagrams(src) {
	const out = [];
	const re = /<code\b([^>]*)>([\s\S]*?)<\/code\s*>/gi;
	let m;
	while ((m = re.exec(src)) !== null) {
		const cls = /\bclass\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))/i.exec(m[1]);
		if (cls === null)
			continue;
		const list = (cls[1] ?? cls[2] ?? cls[3]).split(/\s+/);
		if (!list.includes("language-mermaid"))
			continue;
		const line = src.slice(0, m.index).split("\n").length;
		if (/<[a-z!\/]/i.test(m[2]))
			out.push({ text: "", line, error: "markup inside <code class=\"language-mermaid\">" });
		else
			out.push({ text: unescapeHtml(m[2]), line, error: null });
	}
	return out;
}

// One line: the parser's first line, plus its last line when it says what
// was expected (Mermaid's jison messages put the source excerpt between).
function oneLine(e) {
	const msg = String(e?.message ?? e?.str ?? e).trim();
	const lines = msg.split(/\r?\n/).map((l) => l.trim()).filter((l) => l !== "");
	if (lines.length === 0)
		return "parse failed";
	if (lines.length > 1 && /^Expecting|got /.test(lines[lines.length - 1]))
		return lines[0] + " " + lines[lines.length - 1];
	return lines[0];
}

const files = process.argv.slice(2);
if (files.length === 0 || files.some((f) => f.startsWith("-"))) {
	console.error("usage: node tests/tools/mermaid-check.mjs FILE...  (.mmd, .md, .html)");
	process.exit(2);
}

const { JSDOM } = await import("jsdom");
const { window } = new JSDOM("<!doctype html><html><body></body></html>");
globalThis.window = window;
globalThis.document = window.document;
// Mermaid must be imported after window exists (DOMPurify binds to it).
const { default: mermaid } = await import("mermaid");
mermaid.initialize({ startOnLoad: false, securityLevel: "strict", logLevel: "fatal" });

let pass = 0, fail = 0, found = 0;
for (const file of files) {
	const ext = extname(file).toLowerCase();
	if (![".mmd", ".md", ".html", ".htm"].includes(ext)) {
		console.log(`not ok ${file}: not a .mmd, .md or .html file`);
		fail++;
		continue;
	}
	let src;
	try {
		src = readFileSync(file, "utf8");
	} catch (e) {
		console.log(`not ok ${file}: cannot read: ${e.code ?? e.message}`);
		fail++;
		continue;
	}
	const diagrams = ext === ".mmd" ? [{ text: src, line: 0, error: null }] :
	    ext === ".md" ? mdDiagrams(src) : htmlDiagrams(src);
	found += diagrams.length;
	for (let n = 0; n < diagrams.length; n++) {
		const d = diagrams[n], id = `${file}#${n + 1}`;
		let err = d.error;
		if (err === null && d.text.trim() === "")
			err = "empty diagram";
		if (err === null) {
			try {
				await mermaid.parse(d.text);
			} catch (e) {
				err = oneLine(e);
			}
		}
		if (err === null) {
			console.log(`ok ${id}`);
			pass++;
		} else {
			const where = d.line > 0 ? ` (diagram starts at ${file}:${d.line})` : "";
			console.log(`not ok ${id}: ${err}${where}`);
			fail++;
		}
	}
}
if (found === 0) {
	console.log(`not ok: no Mermaid diagram found in ${files.length} file(s)`);
	fail++;
}
console.log(`mermaid: ${pass} passed, ${fail} failed`);
window.close();
process.exit(fail > 0 ? 1 : 0);
