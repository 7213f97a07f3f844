#!/usr/bin/python3
"""Lint the theme's Mustache templates for the escaping model (DESIGN.md,
"Render"): {{x}} escapes & " < > only, so it is safe in text and in
double-quoted attribute values and nowhere else.

Checks, for every themes/default/templates/*.mustache:
  1. every attribute value in an HTML tag is double-quoted (no unquoted
     or single-quoted values), and no interpolation stands in a tag
     outside a quoted value (it could inject attributes);
  2. no triple mustache ({{{x}}} or {{&x}}) except for keys ending in
     "_html" (HTML the builder made: Markdown rendered in safe mode);
  3. no interpolation inside <script> or <style> elements, or inside
     style= or on*= attribute values;
  4. href= and src= values either start with a literal "{{root}}", "../",
     "#" or "https://", or interpolate only keys whose last name is, or
     ends in "_" plus, one of url href homepage source canonical tgz zip
     (URLs validated as http(s) at load, or paths the builder made), or
     slug / token (validated as [a-z0-9-]+ against the schema).
A self-test first lints bad snippets that must each fail, and a good one
that must pass.  Prints TAP; exits 1 on any failure.
Usage: tests/site/lint-templates.py [TEMPLATE...]
"""
import glob
import os
import re
import sys

URL_KEYS = {"url", "href", "homepage", "source", "canonical", "tgz", "zip"}
SAFE_KEYS = {"slug", "token"}
SAFE_PREFIXES = ("{{root}}", "../", "#", "https://")
MASK = "\x01"


def mustache_tags(src):
    """Yields (start, end, sigil, key) for every Mustache tag, following
    set-delimiter tags."""
    otag, ctag = "{{", "}}"
    i = 0
    while True:
        s = src.find(otag, i)
        if s < 0:
            return
        if otag == "{{" and src.startswith("{{{", s):
            e = src.find("}}}", s + 3)
            if e < 0:
                yield (s, len(src), "{", "")
                return
            yield (s, e + 3, "{", src[s + 3:e].strip())
            i = e + 3
            continue
        e = src.find(ctag, s + len(otag))
        if e < 0:
            yield (s, len(src), "?", "")
            return
        body = src[s + len(otag):e].strip()
        end = e + len(ctag)
        sigil = body[:1] if body[:1] in "#^/!>&=<${" else ""
        key = body[1:].strip() if sigil else body
        if sigil == "{":
            key = key.rstrip("}").strip()
        if sigil == "=":
            parts = key.rstrip("=").split()
            if len(parts) == 2:
                otag, ctag = parts
        yield (s, end, sigil, key)
        i = end


def linecol(src, off):
    line = src.count("\n", 0, off) + 1
    return line, off - (src.rfind("\n", 0, off) + 1) + 1


def key_ok_for_url(key):
    last = key.split(".")[-1]
    if last in SAFE_KEYS or last in URL_KEYS:
        return True
    return any(last.endswith("_" + k) for k in URL_KEYS)


def lint(src):
    """Returns a list of (offset, message)."""
    probs = []
    tags = list(mustache_tags(src))
    masked = list(src)
    for s, e, sigil, key in tags:
        for k in range(s, e):
            if masked[k] != "\n":
                masked[k] = MASK
        if sigil in ("{", "&") and not key.endswith("_html"):
            probs.append((s, "triple mustache for '%s' (only *_html keys "
                          "may be unescaped)" % key))
    masked = "".join(masked)

    def interps(a, b):
        return [t for t in tags if t[0] >= a and t[1] <= b
                and t[2] in ("", "{", "&")]

    i, n = 0, len(masked)
    while True:
        lt = masked.find("<", i)
        if lt < 0:
            break
        if masked.startswith("<!--", lt):
            e = masked.find("-->", lt)
            i = n if e < 0 else e + 3
            continue
        m = re.match(r"<(/?)([A-Za-z][A-Za-z0-9-]*)", masked[lt:])
        if not m:
            i = lt + 1
            continue
        name = m.group(2).lower()
        j = lt + m.end()
        while j < n:
            c = masked[j]
            if c in " \t\r\n/" or c == MASK:
                if c == MASK:
                    t = [t for t in tags if t[0] <= j < t[1]][0]
                    if t[2] in ("", "{", "&"):
                        probs.append((t[0], "interpolation '%s' in a tag "
                                      "outside a quoted attribute value"
                                      % t[3]))
                    j = t[1]
                else:
                    j += 1
                continue
            if c == ">":
                break
            am = re.match(r"[^\s=>/\x01\"']+", masked[j:])
            if not am:
                probs.append((j, "unexpected %r in <%s>" % (c, name)))
                j += 1
                continue
            attr = am.group(0).lower()
            j += am.end()
            while j < n and masked[j] in " \t\r\n":
                j += 1
            if j >= n or masked[j] != "=":
                continue
            j += 1
            while j < n and masked[j] in " \t\r\n":
                j += 1
            if j >= n or masked[j] != '"':
                probs.append((j, "attribute %s= of <%s> is not double-"
                              "quoted" % (attr, name)))
                while j < n and masked[j] not in " \t\r\n>":
                    j += 1
                continue
            vs = j + 1
            ve = masked.find('"', vs)
            if ve < 0:
                probs.append((j, "unterminated value of %s=" % attr))
                ve = n
            ins = interps(vs, ve)
            if attr == "style" or attr.startswith("on"):
                for t in ins:
                    probs.append((t[0], "interpolation '%s' inside %s="
                                  % (t[3], attr)))
            if attr in ("href", "src"):
                raw = src[vs:ve]
                if not raw.startswith(SAFE_PREFIXES):
                    for t in ins:
                        if not key_ok_for_url(t[3]):
                            probs.append((t[0], "%s= interpolates '%s', "
                                          "not a validated URL key" %
                                          (attr, t[3])))
            j = ve + 1
        gt = j
        if name in ("script", "style") and not m.group(1):
            close = masked.lower().find("</%s" % name, gt)
            close = n if close < 0 else close
            for t in interps(gt, close):
                probs.append((t[0], "interpolation '%s' inside <%s>"
                              % (t[3], name)))
            i = close
        else:
            i = gt + 1
    return probs


SELFTEST = [
    ("unquoted attribute", '<a href={{url}}>x</a>', "not double-quoted"),
    ("single-quoted attribute", "<p class='x'>y</p>", "not double-quoted"),
    ("triple mustache", "<p>{{{title}}}</p>", "triple mustache"),
    ("ampersand mustache", "<p>{{&summary}}</p>", "triple mustache"),
    ("mustache in <script>", "<script>var t = \"{{title}}\";</script>",
     "inside <script>"),
    ("mustache in style=", '<p style="color: {{c}}">x</p>', "inside style="),
    ("mustache in onclick=", '<a href="#" onclick="go(\'{{slug}}\')">x</a>',
     "inside onclick="),
    ("href of an unvalidated key", '<a href="{{name}}">x</a>',
     "not a validated URL key"),
    ("src of an unvalidated key", '<img src="{{image}}" alt="">',
     "not a validated URL key"),
    ("attribute injection", '<a {{attrs}} href="#">x</a>',
     "outside a quoted attribute value"),
    ("set delimiters do not hide a triple", "{{=<% %>=}}<p><%{title}%></p>",
     "triple mustache"),
]
GOOD = ('<a href="{{root}}x/{{slug}}/index.html" title="{{title}}">{{name}}'
        '</a><a href="{{url}}"{{#nofollow}} rel="nofollow"{{/nofollow}}>x'
        '</a><a href="{{bundle.tgz_href}}" download>t</a>'
        '<div>{{{body_html}}}</div><input type="checkbox" disabled>'
        '<script src="{{root}}a.js" defer></script>')


def main(argv):
    n = fails = 0

    def report(good, desc, probs=(), src=""):
        nonlocal n, fails
        n += 1
        print("%sok %d - %s" % ("" if good else "not ", n, desc))
        if not good:
            fails += 1
            for off, msg in probs:
                print("# %d:%d: %s" % (linecol(src, off) + (msg,)))

    for desc, snippet, want in SELFTEST:
        probs = lint(snippet)
        report(any(want in m for _, m in probs),
               "self-test: %s is caught" % desc, probs, snippet)
    probs = lint(GOOD)
    report(not probs, "self-test: a good snippet passes", probs, GOOD)
    top = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
    files = argv[1:] or sorted(glob.glob(os.path.join(
        top, "themes", "default", "templates", "*.mustache")))
    if not files:
        report(False, "no templates found under themes/default/templates")
    for path in files:
        with open(path, encoding="utf-8") as f:
            src = f.read()
        probs = lint(src)
        report(not probs, "%s: quoting, escaping and URL keys"
               % os.path.relpath(path, top), probs, src)
    print("1..%d" % n)
    return 1 if fails else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
