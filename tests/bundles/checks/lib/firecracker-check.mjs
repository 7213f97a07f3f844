// firecracker-check.mjs: the "firecracker-config" check, one Node process
// for all files.  Usage: node firecracker-check.mjs FILE...
//
// FILE.json is a Firecracker `--config-file`.  There is no firecracker
// binary in Debian 12, so it is validated against a JSON schema built at
// run time from Firecracker's own API description
// (../shared/testdata/firecracker-api/firecracker.yaml, swagger 2.0):
// the config file's sections are those of VmmConfig
//   https://github.com/firecracker-microvm/firecracker/blob/0116f9596e37b1fc62c631583efaffd6a7df35c9/src/vmm/src/resources.rs
// (boot-source -> BootSource, drives -> Drive[], machine-config ->
// MachineConfiguration, network-interfaces -> NetworkInterface[], ...;
// the list of keys is the swagger's FullVmConfiguration, the shape GET
// /vm/config returns), and every object gets additionalProperties: false
// (Firecracker denies unknown fields in its config structs; a misspelt
// top-level key would be silently ignored, which is worse).  On top:
// unique drive and interface ids, one root device, virtio-block drives
// with path_on_host and is_read_only, vcpu_count 1 or even, balloon not
// larger than memory, MMDS interfaces that exist, MMDS V2 (session
// tokens), and rate limiters on every drive and network interface
// (the bundle's resource limits).
//
// FILE named *.args (jailer.args) is a jailer invocation, one argv
// element per line (no comments, no blank lines), checked against the
// documented jailer flags
//   https://github.com/firecracker-microvm/firecracker/blob/00aaacd5952a7e51cb8cf7f613200b76c4c2fc6a/docs/jailer.md
// and, after "--", Firecracker's own flags
//   https://github.com/firecracker-microvm/firecracker/blob/00534c961ab5078f253928ce4bac0b0336e5453f/src/firecracker/src/main.rs

import fs from "node:fs";
import path from "node:path";
import Ajv from "ajv";
import YAML from "yaml";
import { runCheck, readText, isObject, ajvText, TESTDATA } from "./common.mjs";

const API = path.join(TESTDATA, "firecracker-api", "firecracker.yaml");

function convert(s) {
	if (Array.isArray(s)) return s.map(convert);
	if (!isObject(s)) return s;
	const o = {};
	for (const [k, v] of Object.entries(s)) {
		if (k === "example" || k.startsWith("x-")) continue;
		if (k === "format") {
			if (/^(int32|int64|float|double)$/.test(v)) continue;
			// The only other format is a regular expression (MmdsConfig
			// ipv4_address) whose dots are literal.
			o.pattern = `^${v.replace(/\./g, "\\.")}$`;
			continue;
		}
		if (k === "$ref") { o.$ref = v; continue; }
		o[k] = convert(v);
	}
	if (s.$ref) return { $ref: s.$ref };
	if (isObject(s.properties) && s.additionalProperties === undefined) o.additionalProperties = false;
	return o;
}

export function configSchema() {
	if (!fs.existsSync(API)) throw new Error(`Firecracker API description not found at ${API}`);
	const api = YAML.parse(fs.readFileSync(API, "utf8"));
	const definitions = convert(api.definitions);
	const full = api.definitions.FullVmConfiguration;
	const properties = convert(full.properties);
	// In the config file, cpu-config is the path of a CPU template file
	// (resources.rs: Option<PathBuf>); accept the inline object too.
	properties["cpu-config"] = { anyOf: [{ type: "string" }, { $ref: "#/definitions/CpuConfig" }] };
	return {
		version: api.info.version,
		schema: { type: "object", additionalProperties: false, required: ["boot-source", "drives"], properties, definitions },
	};
}

function semantics(c) {
	const out = [];
	const drives = Array.isArray(c.drives) ? c.drives : [];
	const ids = new Set();
	let roots = 0;
	for (const d of drives) {
		if (!isObject(d)) continue;
		if (ids.has(d.drive_id)) out.push(`drives: drive_id ${d.drive_id} is used twice`);
		ids.add(d.drive_id);
		if (d.is_root_device) roots++;
		if (d.socket === undefined) {
			if (d.path_on_host === undefined) out.push(`drives[${d.drive_id}]: path_on_host is required for a virtio-block drive`);
			if (d.is_read_only === undefined) out.push(`drives[${d.drive_id}]: is_read_only is required for a virtio-block drive`);
			if (!isObject(d.rate_limiter)) out.push(`drives[${d.drive_id}]: no rate_limiter (bundle resource limits)`);
		}
	}
	const pmemRoot = (Array.isArray(c.pmem) ? c.pmem : []).some((p) => isObject(p) && p.root_device);
	if (roots > 1) out.push("drives: more than one is_root_device");
	if (roots === 0 && !pmemRoot && !(isObject(c["boot-source"]) && c["boot-source"].initrd_path))
		out.push("drives: no root device (and no initrd or pmem root)");
	const nics = Array.isArray(c["network-interfaces"]) ? c["network-interfaces"] : [];
	const nicIds = new Set();
	for (const n of nics) {
		if (!isObject(n)) continue;
		if (nicIds.has(n.iface_id)) out.push(`network-interfaces: iface_id ${n.iface_id} is used twice`);
		nicIds.add(n.iface_id);
		for (const k of ["rx_rate_limiter", "tx_rate_limiter"])
			if (!isObject(n[k])) out.push(`network-interfaces[${n.iface_id}]: no ${k} (bundle resource limits)`);
	}
	const mc = c["machine-config"];
	if (!isObject(mc)) out.push("machine-config: set vcpu_count and mem_size_mib explicitly");
	else {
		if (Number.isInteger(mc.vcpu_count) && mc.vcpu_count > 1 && mc.vcpu_count % 2)
			out.push(`machine-config.vcpu_count ${mc.vcpu_count}: must be 1 or an even number`);
		if (isObject(c.balloon) && Number.isInteger(c.balloon.amount_mib) && c.balloon.amount_mib > mc.mem_size_mib)
			out.push("balloon.amount_mib is larger than machine-config.mem_size_mib");
	}
	const mm = c["mmds-config"];
	if (isObject(mm)) {
		for (const id of Array.isArray(mm.network_interfaces) ? mm.network_interfaces : [])
			if (!nicIds.has(id)) out.push(`mmds-config: network interface ${id} is not configured`);
		if (mm.version !== "V2") out.push("mmds-config.version must be V2 (session tokens; V1 answers any GET, like IMDSv1)");
	}
	return out;
}

// Jailer flags: name -> { value: regexp or null (flag), required, multi }.
const JAILER = {
	"--id": { value: /^[A-Za-z0-9-]{1,64}$/, required: true, what: "alphanumerics and hyphens, at most 64" },
	"--exec-file": { value: /^\/.*firecracker[^/]*$/, required: true, what: "an absolute path whose file name contains firecracker" },
	"--uid": { value: /^[1-9][0-9]*$/, required: true, what: "a numeric uid other than 0" },
	"--gid": { value: /^[1-9][0-9]*$/, required: true, what: "a numeric gid other than 0" },
	"--parent-cgroup": { value: /^[^/].*$/, what: "a relative cgroup path" },
	"--cgroup-version": { value: /^[12]$/, what: "1 or 2" },
	"--cgroup": { value: /^[a-z_]+\.[a-z0-9_.]+=\S.*$/, multi: true, what: "<cgroup_file>=<value>, e.g. cpu.max=100000 100000" },
	"--chroot-base-dir": { value: /^\/\S*$/, what: "an absolute path" },
	"--netns": { value: /^\/\S*$/, what: "the absolute path of a network namespace handle" },
	"--resource-limit": { value: /^(fsize|no-file)=[0-9]+$/, multi: true, what: "fsize=N or no-file=N" },
	"--daemonize": { value: null },
	"--new-pid-ns": { value: null },
};
// Firecracker flags (after "--"): name -> takes a value.
const FIRECRACKER = {
	"--api-sock": true, "--seccomp-filter": true, "--no-seccomp": false,
	"--start-time-us": true, "--start-time-cpu-us": true, "--parent-cpu-time-us": true,
	"--config-file": true, "--metadata": true, "--no-api": false, "--log-path": true, "--level": true,
	"--module": true, "--show-level": false, "--show-log-origin": false, "--metrics-path": true,
	"--boot-timer": false, "--http-api-max-payload-size": true, "--mmds-size-limit": true,
	"--enable-pci": false,
};

export function checkJailerArgs(text) {
	const out = [];
	if (!text.endsWith("\n")) out.push("the file must end with a newline");
	const args = text.replace(/\n$/, "").split("\n");
	if (args.some((a) => a === "")) out.push("blank line: every line is one argument");
	if (args.some((a) => a.startsWith("#"))) out.push("comment line: every line is one argument (no comments)");
	if (args.some((a) => a !== a.trim())) out.push("leading or trailing white space in an argument");
	const seen = new Map();
	let i = 0;
	for (; i < args.length; i++) {
		const a = args[i];
		if (a === "--") break;
		if (a === "" || a.startsWith("#")) continue;
		const eq = a.indexOf("=");
		if (a.startsWith("--") && eq > 0 && JAILER[a.slice(0, eq)]) { out.push(`${a}: give the flag and its value on two lines`); continue; }
		const spec = JAILER[a];
		if (!spec) { out.push(`${a}: not a jailer flag`); continue; }
		seen.set(a, (seen.get(a) || 0) + 1);
		if (seen.get(a) > 1 && !spec.multi) out.push(`${a} is given twice`);
		if (spec.value) {
			const v = args[++i];
			if (v === undefined || v.startsWith("--")) { out.push(`${a} needs a value`); i -= v === undefined ? 0 : 1; continue; }
			if (!spec.value.test(v)) out.push(`${a} ${v}: must be ${spec.what}`);
		}
	}
	for (const [flag, spec] of Object.entries(JAILER)) if (spec.required && !seen.has(flag)) out.push(`${flag} is required`);
	if (!seen.has("--new-pid-ns")) out.push("--new-pid-ns should be set (the VMM becomes PID 1 of its own PID namespace)");
	const fc = new Set();
	for (i++; i < args.length; i++) {
		const a = args[i];
		if (a === "" || a.startsWith("#")) continue;
		if (!(a in FIRECRACKER)) { out.push(`${a}: not a Firecracker flag${a === "--id" ? " (the jailer passes --id itself)" : ""}`); continue; }
		if (fc.has(a)) out.push(`${a} is given twice`);
		fc.add(a);
		if (a === "--no-seccomp") out.push("--no-seccomp disables Firecracker's seccomp filters");
		if (FIRECRACKER[a]) {
			const v = args[++i];
			if (v === undefined || v.startsWith("--")) { out.push(`${a} needs a value`); if (v !== undefined) i--; continue; }
			if (a === "--config-file" && path.isAbsolute(v) && v.startsWith("/srv/"))
				out.push(`--config-file ${v}: paths are seen from inside the jail (relative to its root)`);
		}
	}
	if (fc.has("--no-api") && !fc.has("--config-file")) out.push("--no-api requires --config-file");
	return out;
}

await runCheck("firecracker-config", async (files, report) => {
	let validate = null, why = null, version = "";
	try {
		const { schema, version: v } = configSchema();
		version = v;
		const ajv = new Ajv({ allErrors: true, strict: false });
		validate = ajv.compile(schema);
	} catch (e) {
		why = e.message;
	}
	for (const f of files) {
		const text = readText(f, report);
		if (text === null) continue;
		if (/\.args$/.test(f)) {
			for (const m of checkJailerArgs(text)) report.add(f, `jailer: ${m}`);
			continue;
		}
		if (!/\.json$/.test(f)) { report.add(f, "neither a Firecracker config (.json) nor a jailer invocation (.args)"); continue; }
		let c;
		try { c = JSON.parse(text); } catch (e) { report.add(f, `JSON: ${e.message}`); continue; }
		if (why) { report.add(f, `not verified: ${why}`); continue; }
		if (!validate(c)) report.add(f, `Firecracker ${version} API schema: ${ajvText(validate.errors)}`);
		if (isObject(c)) for (const m of semantics(c)) report.add(f, m);
	}
});
