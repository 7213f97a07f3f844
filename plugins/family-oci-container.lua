-- family-oci-container.lua: bundle files for sandboxes that are
-- processes on the host kernel, fenced by namespaces, cgroups,
-- capabilities, seccomp and an LSM: hardened runc/crun containers,
-- bubblewrap and nsjail.  Every bundle of the family carries the three
-- runtimes' configurations side by side, all enforcing the same seccomp
-- allowlist (security/seccomp-<use-case>.json):
--
--   runc / crun   security/config.json, the profile embedded as
--                 linux.seccomp (both runtimes load it with libseccomp);
--   bubblewrap    security/sandbox.bwrap, the profile compiled to BPF and
--                 passed on a descriptor to --seccomp;
--   nsjail        security/nsjail.cfg, the profile translated here to
--                 nsjail's Kafel language in seccomp_string.
--
-- plus the AppArmor profile named by config.json, the runner with its
-- deadline and the cgroup watchdog, the network policy for the
-- requirement's infrastructure (Kubernetes NetworkPolicy and
-- CiliumNetworkPolicy, or an nftables ruleset for the sandbox veths),
-- the deployment (a Kustomize base, a Terraform module for EC2 sandbox
-- hosts, or systemd units), Falco rules, alert routing and a playbook.
--
-- Templates: content/bundles/oci-container/ (security/, network/,
-- deploy/<infra>/, monitoring/, integration/).  The seccomp profiles are
-- the shared ones of content/bundles/common/security/ when the builder
-- passes them (ctx.common), else this family's copy of them.

local KEY = { "use-case", "trust", "infra" }

------------------------------------------------------------------------
-- Policy: what the requirements mean for a process sandbox.
------------------------------------------------------------------------

local MIB = 1048576
local GIB = 1024 * MIB

-- command: the deadline of one tool call (s); lifetime: the longest a
-- sandbox (a warm pod, a runner unit) may live; kill_after: the grace
-- between SIGTERM and SIGKILL.
local TRUST = {
  untrusted = { command = 60, lifetime = 300, kill_after = 5 },
  ["semi-trusted"] = { command = 120, lifetime = 900, kill_after = 5 },
  trusted = { command = 600, lifetime = 3600, kill_after = 10 },
}

-- profile: which seccomp allowlist the use case runs under.  Chromium
-- reserves large address ranges, hence the wide RLIMIT_AS for the
-- browser profiles: memory itself is capped by the cgroup.
local USECASE = {
  ["code-execution"] = { profile = "code-execution", vcpu = 1, mem = 1024, pids = 256,
    tmp = 256, work = 512, shm = 64, as = 4 * GIB, fsize = 256 * MIB, nofile = 1024 },
  ["browser-automation"] = { profile = "browser-automation", vcpu = 2, mem = 2048, pids = 512,
    tmp = 512, work = 512, shm = 512, as = 64 * GIB, fsize = 256 * MIB, nofile = 4096 },
  ["file-processing"] = { profile = "code-execution", vcpu = 1, mem = 2048, pids = 256,
    tmp = 512, work = 2048, shm = 64, as = 8 * GIB, fsize = 1024 * MIB, nofile = 1024 },
  ["multi-tool-agent"] = { profile = "browser-automation", vcpu = 2, mem = 2048, pids = 512,
    tmp = 512, work = 1024, shm = 512, as = 64 * GIB, fsize = 256 * MIB, nofile = 4096 },
}

local ARGS = {
  ["code-execution"] = { "/usr/bin/python3", "-I", "-" },
  ["file-processing"] = { "/usr/bin/python3", "-I", "-" },
  ["multi-tool-agent"] = { "/usr/bin/python3", "-I", "-" },
  ["browser-automation"] = { "/usr/bin/chromium", "--headless", "--no-sandbox", "--disable-gpu",
    "--no-first-run", "--disable-background-networking", "--disable-component-update",
    "--disable-sync", "--user-data-dir=/tmp/chromium", "--dump-dom", "about:blank" },
}

local PRIVATE = { "10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "169.254.0.0/16",
  "100.64.0.0/10", "127.0.0.0/8", "0.0.0.0/8" }
local REGISTRIES = { "pypi.org", "files.pythonhosted.org", "registry.npmjs.org" }

-- Egress: deny-all | allowlist (domains, through the egress proxy) |
-- open-public (public internet on 80/443, never private or metadata).
local function egress_for(req)
  local uc, tr = req["use-case"], req.trust
  if tr == "trusted" or uc == "browser-automation" then
    return { mode = "open-public", domains = {} }
  end
  if tr == "semi-trusted" then
    return { mode = "allowlist", domains = REGISTRIES }
  end
  return { mode = "deny-all", domains = {} }
end

local EGRESS_NOTE = {
  ["deny-all"] = "no egress at all: the sandbox's network namespace has only loopback.",
  allowlist = "only through the egress proxy, which allows the listed domains; nothing else leaves.",
  ["open-public"] = "public internet on TCP 80 and 443 (and DNS to the resolver); private, link-local (metadata), CGNAT and loopback ranges are dropped.",
}

------------------------------------------------------------------------
-- A small JSON reader (the seccomp profile) and writers.
------------------------------------------------------------------------

local function json_decode(s)
  local i = 1
  local function ws() i = s:find("[^ \t\r\n]", i) or (#s + 1) end
  local value
  local function str()
    local out, j = {}, i + 1
    while true do
      local c = s:sub(j, j)
      if c == "" then error("json: unterminated string") end
      if c == '"' then i = j + 1; return table.concat(out) end
      if c == "\\" then
        local e = s:sub(j + 1, j + 1)
        local map = { ['"'] = '"', ["\\"] = "\\", ["/"] = "/", b = "\b", f = "\f", n = "\n", r = "\r", t = "\t" }
        if map[e] then out[#out + 1] = map[e]; j = j + 2
        elseif e == "u" then out[#out + 1] = utf8.char(tonumber(s:sub(j + 2, j + 5), 16)); j = j + 6
        else error("json: bad escape") end
      else out[#out + 1] = c; j = j + 1 end
    end
  end
  function value()
    ws()
    local c = s:sub(i, i)
    if c == "{" then
      local t = {}
      i = i + 1; ws()
      if s:sub(i, i) == "}" then i = i + 1; return t end
      while true do
        ws(); if s:sub(i, i) ~= '"' then error("json: key expected at " .. i) end
        local k = str(); ws()
        if s:sub(i, i) ~= ":" then error("json: ':' expected at " .. i) end
        i = i + 1
        t[k] = value(); ws()
        local d = s:sub(i, i); i = i + 1
        if d == "}" then return t end
        if d ~= "," then error("json: ',' expected at " .. i) end
      end
    elseif c == "[" then
      local t = {}
      i = i + 1; ws()
      if s:sub(i, i) == "]" then i = i + 1; return t end
      while true do
        t[#t + 1] = value(); ws()
        local d = s:sub(i, i); i = i + 1
        if d == "]" then return t end
        if d ~= "," then error("json: ',' expected at " .. i) end
      end
    elseif c == '"' then return str()
    elseif s:sub(i, i + 3) == "true" then i = i + 4; return true
    elseif s:sub(i, i + 4) == "false" then i = i + 5; return false
    elseif s:sub(i, i + 3) == "null" then i = i + 4; return nil
    else
      local num = s:match("^-?%d+%.?%d*[eE]?[-+]?%d*", i)
      if num == nil or num == "" then error("json: unexpected character at " .. i) end
      i = i + #num
      return math.tointeger(tonumber(num)) or tonumber(num)
    end
  end
  local v = value(); ws()
  if i <= #s then error("json: trailing text") end
  return v
end

local function jstr(s)
  s = tostring(s):gsub('[%c"\\]', function(c)
    if c == '"' then return '\\"' elseif c == "\\" then return "\\\\"
    elseif c == "\n" then return "\\n" elseif c == "\t" then return "\\t" end
    return string.format("\\u%04x", c:byte())
  end)
  return '"' .. s .. '"'
end

-- One JSON string per line at `ind`, comma-separated (a JSON array body).
local function json_lines(t, ind)
  local out = {}
  for k, v in ipairs(t) do out[k] = ind .. jstr(v) end
  return table.concat(out, ",\n")
end

-- A multi-line text re-indented so it continues at `pad`.
local function indent_cont(s, pad)
  s = s:gsub("\n+$", "")
  return (s:gsub("\n", "\n" .. pad))
end

local function yaml_list(t, ind)
  local out = {}
  for k, v in ipairs(t) do out[k] = ind .. "- " .. jstr(v) end
  return table.concat(out, "\n")
end

------------------------------------------------------------------------
-- Kafel (nsjail's seccomp language) from the OCI profile.  Syscalls
-- without argument conditions are written by their x86_64 number
-- (SYSCALL[n]), so Kafel's name table cannot disagree with
-- libseccomp's; the few with conditions by their kernel name with the
-- arguments declared.
------------------------------------------------------------------------

-- x86_64 syscall numbers, as libseccomp 2.5.4 resolves them
-- (scmp_sys_resolver -a x86_64).
local SYSNR_SRC = [[
read=0 write=1 open=2 close=3 stat=4 fstat=5 lstat=6 poll=7 
lseek=8 mmap=9 mprotect=10 munmap=11 brk=12 rt_sigaction=13 rt_sigprocmask=14 rt_sigreturn=15 
ioctl=16 pread64=17 pwrite64=18 readv=19 writev=20 access=21 pipe=22 select=23 
sched_yield=24 mremap=25 msync=26 mincore=27 madvise=28 shmget=29 shmat=30 shmctl=31 
dup=32 dup2=33 pause=34 nanosleep=35 getitimer=36 alarm=37 setitimer=38 getpid=39 
sendfile=40 socket=41 connect=42 accept=43 sendto=44 recvfrom=45 sendmsg=46 recvmsg=47 
shutdown=48 bind=49 listen=50 getsockname=51 getpeername=52 socketpair=53 setsockopt=54 getsockopt=55 
clone=56 fork=57 vfork=58 execve=59 exit=60 wait4=61 kill=62 uname=63 
semget=64 semop=65 semctl=66 shmdt=67 msgget=68 msgsnd=69 msgrcv=70 msgctl=71 
fcntl=72 flock=73 fsync=74 fdatasync=75 truncate=76 ftruncate=77 getdents=78 getcwd=79 
chdir=80 fchdir=81 rename=82 mkdir=83 rmdir=84 creat=85 link=86 unlink=87 
symlink=88 readlink=89 chmod=90 fchmod=91 chown=92 fchown=93 lchown=94 umask=95 
gettimeofday=96 getrlimit=97 getrusage=98 sysinfo=99 times=100 ptrace=101 getuid=102 syslog=103 
getgid=104 setuid=105 setgid=106 geteuid=107 getegid=108 setpgid=109 getppid=110 getpgrp=111 
setsid=112 setreuid=113 setregid=114 getgroups=115 setgroups=116 setresuid=117 getresuid=118 setresgid=119 
getresgid=120 getpgid=121 setfsuid=122 setfsgid=123 getsid=124 capget=125 capset=126 rt_sigpending=127 
rt_sigtimedwait=128 rt_sigqueueinfo=129 rt_sigsuspend=130 sigaltstack=131 utime=132 mknod=133 uselib=134 personality=135 
ustat=136 statfs=137 fstatfs=138 sysfs=139 getpriority=140 setpriority=141 sched_setparam=142 sched_getparam=143 
sched_setscheduler=144 sched_getscheduler=145 sched_get_priority_max=146 sched_get_priority_min=147 sched_rr_get_interval=148 mlock=149 munlock=150 mlockall=151 
munlockall=152 vhangup=153 modify_ldt=154 pivot_root=155 _sysctl=156 prctl=157 arch_prctl=158 adjtimex=159 
setrlimit=160 chroot=161 sync=162 acct=163 settimeofday=164 mount=165 umount2=166 swapon=167 
swapoff=168 reboot=169 sethostname=170 setdomainname=171 iopl=172 ioperm=173 create_module=174 init_module=175 
delete_module=176 get_kernel_syms=177 query_module=178 quotactl=179 nfsservctl=180 getpmsg=181 putpmsg=182 afs_syscall=183 
tuxcall=184 security=185 gettid=186 readahead=187 setxattr=188 lsetxattr=189 fsetxattr=190 getxattr=191 
lgetxattr=192 fgetxattr=193 listxattr=194 llistxattr=195 flistxattr=196 removexattr=197 lremovexattr=198 fremovexattr=199 
tkill=200 time=201 futex=202 sched_setaffinity=203 sched_getaffinity=204 set_thread_area=205 io_setup=206 io_destroy=207 
io_getevents=208 io_submit=209 io_cancel=210 get_thread_area=211 lookup_dcookie=212 epoll_create=213 epoll_ctl_old=214 epoll_wait_old=215 
remap_file_pages=216 getdents64=217 set_tid_address=218 restart_syscall=219 semtimedop=220 fadvise64=221 timer_create=222 timer_settime=223 
timer_gettime=224 timer_getoverrun=225 timer_delete=226 clock_settime=227 clock_gettime=228 clock_getres=229 clock_nanosleep=230 exit_group=231 
epoll_wait=232 epoll_ctl=233 tgkill=234 utimes=235 vserver=236 mbind=237 set_mempolicy=238 get_mempolicy=239 
mq_open=240 mq_unlink=241 mq_timedsend=242 mq_timedreceive=243 mq_notify=244 mq_getsetattr=245 kexec_load=246 waitid=247 
add_key=248 request_key=249 keyctl=250 ioprio_set=251 ioprio_get=252 inotify_init=253 inotify_add_watch=254 inotify_rm_watch=255 
migrate_pages=256 openat=257 mkdirat=258 mknodat=259 fchownat=260 futimesat=261 newfstatat=262 unlinkat=263 
renameat=264 linkat=265 symlinkat=266 readlinkat=267 fchmodat=268 faccessat=269 pselect6=270 ppoll=271 
unshare=272 set_robust_list=273 get_robust_list=274 splice=275 tee=276 sync_file_range=277 vmsplice=278 move_pages=279 
utimensat=280 epoll_pwait=281 signalfd=282 timerfd_create=283 eventfd=284 fallocate=285 timerfd_settime=286 timerfd_gettime=287 
accept4=288 signalfd4=289 eventfd2=290 epoll_create1=291 dup3=292 pipe2=293 inotify_init1=294 preadv=295 
pwritev=296 rt_tgsigqueueinfo=297 perf_event_open=298 recvmmsg=299 fanotify_init=300 fanotify_mark=301 prlimit64=302 name_to_handle_at=303 
open_by_handle_at=304 clock_adjtime=305 syncfs=306 sendmmsg=307 setns=308 getcpu=309 process_vm_readv=310 process_vm_writev=311 
kcmp=312 finit_module=313 sched_setattr=314 sched_getattr=315 renameat2=316 seccomp=317 getrandom=318 memfd_create=319 
kexec_file_load=320 bpf=321 execveat=322 userfaultfd=323 membarrier=324 mlock2=325 copy_file_range=326 preadv2=327 
pwritev2=328 pkey_mprotect=329 pkey_alloc=330 pkey_free=331 statx=332 io_pgetevents=333 rseq=334 pidfd_send_signal=424 
io_uring_setup=425 io_uring_enter=426 io_uring_register=427 open_tree=428 move_mount=429 fsopen=430 fsconfig=431 fsmount=432 
fspick=433 pidfd_open=434 clone3=435 close_range=436 openat2=437 pidfd_getfd=438 faccessat2=439 process_madvise=440 
epoll_pwait2=441 mount_setattr=442 quotactl_fd=443 landlock_create_ruleset=444 landlock_add_rule=445 landlock_restrict_self=446 memfd_secret=447 process_mrelease=448 
futex_waitv=449 set_mempolicy_home_node=450 cachestat=451 fchmodat2=452 map_shadow_stack=453 futex_wake=454 futex_wait=455 futex_requeue=456 
]]
local SYSNR = {}
for name, nr in SYSNR_SRC:gmatch("([%w_]+)=(%d+)") do SYSNR[name] = tonumber(nr) end

local KAFEL_OP = {
  SCMP_CMP_EQ = "==", SCMP_CMP_NE = "!=", SCMP_CMP_LT = "<", SCMP_CMP_LE = "<=",
  SCMP_CMP_GT = ">", SCMP_CMP_GE = ">=",
}

local function kafel_action(action, errno, default_errno)
  if action == "SCMP_ACT_ALLOW" then return "ALLOW" end
  if action == "SCMP_ACT_ERRNO" then return "ERRNO(" .. tostring(errno or default_errno or 1) .. ")" end
  if action == "SCMP_ACT_KILL" or action == "SCMP_ACT_KILL_THREAD" then return "KILL" end
  if action == "SCMP_ACT_KILL_PROCESS" then return "KILL_PROCESS" end
  if action == "SCMP_ACT_LOG" then return "LOG" end
  if action == "SCMP_ACT_TRAP" then return "TRAP(0)" end
  error("family-oci-container: no Kafel action for " .. tostring(action))
end

local function kafel_cond(a)
  local arg = "a" .. a.index
  if a.op == "SCMP_CMP_MASKED_EQ" then
    return string.format("(%s & 0x%x) == 0x%x", arg, a.value, a.valueTwo or 0)
  end
  local op = KAFEL_OP[a.op]
  if op == nil then error("family-oci-container: no Kafel operator for " .. tostring(a.op)) end
  return string.format("%s %s 0x%x", arg, op, a.value)
end

-- Returns the policy as a list of lines.  Rules of one action for one
-- syscall merge into one entry whose conditions are alternatives (the
-- comma is Kafel's lowest-precedence "or").
local function kafel_policy(prof)
  if prof.architectures and #prof.architectures > 0 then
    local x86 = false
    for _, a in ipairs(prof.architectures) do if a == "SCMP_ARCH_X86_64" then x86 = true end end
    if not x86 then error("family-oci-container: profile has no SCMP_ARCH_X86_64") end
  end
  local groups, order = {}, {}
  for _, r in ipairs(prof.syscalls or {}) do
    local act = kafel_action(r.action, r.errnoRet, 1)
    if groups[act] == nil then groups[act] = { list = {}, by = {} }; order[#order + 1] = act end
    local g = groups[act]
    for _, name in ipairs(r.names) do
      local nr = SYSNR[name]
      -- Names libseccomp does not know on x86_64 are skipped, as runc
      -- and crun skip them.
      if nr then
        local e = g.by[nr]
        if e == nil then
          e = { nr = nr, name = name, alts = {}, maxi = -1, always = false }
          g.by[nr] = e; g.list[#g.list + 1] = e
        end
        if r.args and #r.args > 0 then
          local conds = {}
          for _, a in ipairs(r.args) do
            if a.index > e.maxi then e.maxi = a.index end
            conds[#conds + 1] = kafel_cond(a)
          end
          e.alts[#e.alts + 1] = table.concat(conds, " && ")
        else
          e.always = true
        end
      end
    end
  end
  local lines = { "POLICY sandbox {" }
  for gi, act in ipairs(order) do
    local g = groups[act]
    table.sort(g.list, function(x, y) return x.nr < y.nr end)
    lines[#lines + 1] = "  " .. act .. " {"
    for k, e in ipairs(g.list) do
      local sep = (k < #g.list) and "," or ""
      local text = string.format("SYSCALL[%d]", e.nr)
      if not e.always and #e.alts > 0 then
        local decl = {}
        for i = 0, e.maxi do decl[#decl + 1] = "a" .. i end
        text = string.format("%s(%s) { %s }", text, table.concat(decl, ", "), table.concat(e.alts, ", "))
      end
      lines[#lines + 1] = "    " .. text .. sep .. " /* " .. e.name .. " */"
    end
    lines[#lines + 1] = "  }" .. ((gi < #order) and "," or "")
  end
  lines[#lines + 1] = "}"
  lines[#lines + 1] = "USE sandbox DEFAULT " .. kafel_action(prof.defaultAction, prof.defaultErrnoRet, 1)
  return lines
end

-- nsjail's seccomp_string is repeated: one protobuf string per line.
local function kafel_field(lines)
  local out = {}
  for k, l in ipairs(lines) do out[k] = "seccomp_string: " .. jstr(l) end
  return table.concat(out, "\n")
end

------------------------------------------------------------------------
-- Verification rows.
------------------------------------------------------------------------

local V = {}
local function row(path, method, check, how) V[path] = { method = method, check = check, how = how } end

for _, uc in ipairs({ "code-execution", "browser-automation", "file-processing", "multi-tool-agent" }) do
  row("security/seccomp-" .. uc .. ".json", "executed", "seccomp",
    "OCI runtime-spec schema; compared with Docker's default profile read for x86_64 without capabilities; loaded with libseccomp 2.5.4 and probed in a private user+mount namespace against an unfiltered control run; python3, node and a shell pipeline (and headless Chromium for browser profiles) run under it")
end
row("security/config.json", "executed", "oci-config",
  "validated against the OCI runtime-spec schema (Debian's golang-github-opencontainers-specs-dev); hardening asserted (read-only root, no bind mounts, sized tmpfs, all namespaces, user-namespace mapping, no capabilities, no_new_privs, rlimits, cgroup limits, masked paths, seccomp equal to the bundle's profile, AppArmor profile named); then run with crun 1.8 and runc 1.1 with a probe as the process: read-only root, writable tmpfs at their sizes, only lo and no route, the rlimits, seccomp mode 2, no capabilities, unshare and ptrace refused; crun create shows the memory, pids and CPU limits and the uid/gid maps; python3 and a shell pipeline run under it. This kernel has no AppArmor, so process.apparmorProfile is dropped for the runs (the profile is compiled separately)")
row("security/apparmor-profile", "syntax", "apparmor",
  "compiled by apparmor_parser 3.0 (-Q -K, Debian's pinned feature ABI, warnings as errors) without loading: this kernel has no AppArmor, so the profile is not enforced here")
row("security/sandbox.bwrap", "executed", "bwrap",
  "run here with bubblewrap 0.8 under its prlimit and timeout wrappers, the seccomp profile compiled to BPF on FD 10, the command replaced by a probe: read-only root and binds, each tmpfs at its size, only lo and no route, the limits, seccomp filter with no_new_privs, no capabilities, own session, unshare and ptrace refused")
row("security/nsjail.cfg", "syntax", "nsjail-config",
  "nsjail is not packaged for Debian 12, so it is not run: the protobuf text is parsed by python3-protobuf against a descriptor of nsjail's documented NsJailConfig fields (unknown fields, wrong types and enum values fail); hardening asserted (all namespaces, unprivileged id maps, no writable host binds, sized tmpfs, rlimits, cgroup v2 limits, time limit); the Kafel policy is parsed and checked to allow exactly the syscalls and argument conditions of the bundle's seccomp profile (no Kafel compiler here)")
row("security/run-sandbox.sh", "executed", "oci-scripts",
  "sh -n and shellcheck; then run here with crun 1.8 and the bundle's config.json over a test rootfs: output and exit codes pass through, a command past its deadline is killed (exit 124) and its container, cgroup and state folder are gone afterwards")
row("security/watchdog.sh", "executed", "oci-scripts",
  "sh -n and shellcheck; then run against a scratch cgroup tree: overdue sandbox cgroups get cgroup.kill (or, without it, their processes a real SIGKILL), young ones are untouched, DRY_RUN changes nothing")
row("security/SECRETS.md", "syntax", "markdownlint", "linted by markdownlint-cli2 with the project's rules")
row("RUNTIME.md", "syntax", "markdownlint", "linted by markdownlint-cli2 with the project's rules")
row("monitoring/playbook.md", "syntax", "markdownlint", "linted by markdownlint-cli2 with the project's rules")
row("monitoring/falco-rules.yaml", "schema", "falco",
  "structure of every rule, macro and list checked against Falco's rule schema (required keys, priorities, known fields); no Falco engine in Debian 12, so conditions are not compiled")
row("monitoring/alertmanager.yml", "schema", "alertmanager",
  "loaded by amtool check-config of Debian's prometheus-alertmanager (routes, receivers, matchers, inhibit rules)")
row("network/sandbox.nft", "executed", "nftables",
  "nft -c, then loaded into a private network namespace; new packets from the sandbox veths to 169.254.169.254 and private ranges are certainly dropped on the forward and input paths")
row("network/networkpolicy.yaml", "schema", "kubernetes",
  "validated offline against the Kubernetes 1.30+ schemas (unknown fields too); egress never reaches the metadata address")
row("network/cilium-network-policy.yaml", "schema", "cilium",
  "validated against the CiliumNetworkPolicy cilium.io/v2 schema (unknown fields too)")
row("kustomization.yaml", "schema", "kubernetes",
  "kustomization built offline; every resource validated against the Kubernetes 1.30+ schemas, Pod Security Standards restricted and the bundle hygiene")
for _, f in ipairs({ "namespace.yaml", "runtimeclass.yaml", "sandbox-job.yaml", "agent-rbac.yaml",
  "resourcequota.yaml", "limitrange.yaml" }) do
  row("deploy/" .. f, "schema", "kubernetes",
    "validated offline against the Kubernetes 1.30+ schemas (unknown fields too), Pod Security Standards restricted and the bundle hygiene (read-only root, no service-account token, requests and limits)")
end
row("deploy/node-setup.sh", "syntax", "shell", "sh -n and shellcheck with no finding; it changes a node, so it is not run here")
row("deploy/host-setup.sh", "syntax", "shell", "sh -n and shellcheck with no finding; it changes a host, so it is not run here")
for _, f in ipairs({ "main.tf", "variables.tf", "outputs.tf", "versions.tf" }) do
  row("deploy/" .. f, "syntax", "terraform",
    "HCL parsed (syntax, block labels, terraform fmt), providers pinned, every variable used is declared; terraform validate needs the AWS provider from the registry, not reachable here")
end
for _, f in ipairs({ "sandbox@.service", "sandbox-watchdog.service", "sandbox-watchdog.timer" }) do
  row("deploy/" .. f, "schema", "systemd-unit",
    "systemd-analyze verify (systemd 252): every key known, every value parsed; any warning fails")
end

local PY_TEST = "compiled, pyflakes3 and mypy --strict, then pytest (Debian python3-pytest): " ..
  "timeouts, bounded retries with backoff and jitter, the circuit breaker and cleanup against " ..
  "fakes on 127.0.0.1 (tests/bundles/checks/python-test)"
for _, f in ipairs({ "sandbox_client.py", "test_sandbox_client.py" }) do
  row("integration/" .. f, "executed", "python-test", PY_TEST)
end
for _, f in ipairs({ "sandbox_k8s.py", "test_sandbox_k8s.py" }) do
  row("integration/" .. f, "executed", "python-test", PY_TEST ..
    "; the Kubernetes transport against a fake API server (a real cluster and pods/exec are not exercised)")
end
for _, f in ipairs({ "sandbox_local.py", "test_sandbox_local.py" }) do
  row("integration/" .. f, "executed", "python-test", PY_TEST ..
    "; the local transport against a fake run-sandbox.sh: argv and stdin, exit codes, the deadline, SIGTERM cleanup on the backstop timeout (the real runner is run by the oci-scripts check)")
end
local TS_TEST = "tsc 5.9 --strict against the pinned npm packages, then node --test with tsx " ..
  "against fakes on 127.0.0.1; a real cluster is not exercised (tests/bundles/checks/typescript-test)"
for _, f in ipairs({ "sandboxClient.ts", "sandboxClient.test.ts", "k8sTransport.ts", "k8sTransport.test.ts",
  "mcpServer.ts", "openaiAgentTool.ts", "wiring.test.ts" }) do
  row("integration/" .. f, "executed", "typescript-test", TS_TEST)
end
row("integration/package.json", "schema", "typescript",
  "every dependency pinned to the exact version the TypeScript was checked against (tests/bundles/checks/typescript)")

------------------------------------------------------------------------
-- Assembly.
------------------------------------------------------------------------

local function files_for(infra)
  local f = {
    { "security/config.json", "security/config.json" },
    { "security/apparmor-profile", "security/apparmor-profile" },
    { "security/sandbox.bwrap", "security/sandbox.bwrap" },
    { "security/nsjail.cfg", "security/nsjail.cfg" },
    { "security/run-sandbox.sh", "security/run-sandbox.sh" },
    { "security/watchdog.sh", "security/watchdog.sh" },
    { "security/SECRETS.md", "security/SECRETS.md" },
    { "RUNTIME.md", "RUNTIME.md" },
    { "monitoring/playbook.md", "monitoring/playbook.md" },
    { "monitoring/falco-rules.yaml", "monitoring/falco-rules.yaml" },
    { "monitoring/alertmanager.yml", "monitoring/alertmanager.yml" },
  }
  local function add(out, tpl) f[#f + 1] = { out, tpl } end
  if infra == "kubernetes" then
    add("kustomization.yaml", "deploy/kubernetes/kustomization.yaml")
    for _, n in ipairs({ "namespace.yaml", "runtimeclass.yaml", "sandbox-job.yaml", "agent-rbac.yaml",
      "resourcequota.yaml", "limitrange.yaml", "node-setup.sh" }) do
      add("deploy/" .. n, "deploy/kubernetes/" .. n)
    end
    add("network/networkpolicy.yaml", "network/networkpolicy.yaml")
    add("network/cilium-network-policy.yaml", "network/cilium-network-policy.yaml")
  else
    if infra == "aws" then
      for _, n in ipairs({ "main.tf", "variables.tf", "outputs.tf", "versions.tf" }) do
        add("deploy/" .. n, "deploy/aws/" .. n)
      end
    end
    add("deploy/sandbox@.service", "deploy/bare-metal/sandbox-instance.service")
    for _, n in ipairs({ "host-setup.sh", "sandbox-watchdog.service", "sandbox-watchdog.timer" }) do
      add("deploy/" .. n, "deploy/bare-metal/" .. n)
    end
    add("network/sandbox.nft", "network/sandbox.nft")
  end
  return f
end

-- nftables lines of the sandbox_out chain: what may pass before the
-- private ranges are dropped (resolver, proxy), and after.
local function nft_private(eg)
  if eg.mode == "open-public" then
    return "\t\tudp dport 53 ip daddr $resolver accept\n\t\ttcp dport 53 ip daddr $resolver accept"
  elseif eg.mode == "allowlist" then
    return "\t\tip daddr $egress_proxy tcp dport 3128 accept"
  end
  return "\t\t# deny-all: no resolver, no proxy."
end

local function nft_egress(eg)
  if eg.mode == "open-public" then
    return "\t\ttcp dport { 80, 443 } accept"
  end
  return "\t\t# " .. eg.mode .. ": nothing else leaves."
end

local function cilium_egress(eg, ns)
  if eg.mode == "deny-all" then
    return "  # deny-all: no egress rule, so nothing leaves (Cilium default-denies\n" ..
      "  # egress for the selected pods once any policy selects them).\n" ..
      "  egressDeny:\n" ..
      "    - toEntities:\n" ..
      "        - all"
  end
  local l = {
    "  egress:",
    "    # DNS through kube-dns only, every query visible to Cilium's proxy",
    "    - toEndpoints:",
    "        - matchLabels:",
    '            "k8s:io.kubernetes.pod.namespace": kube-system',
    '            "k8s:k8s-app": kube-dns',
    "      toPorts:",
    "        - ports:",
    '            - port: "53"',
    "              protocol: ANY",
    "          rules:",
    "            dns:",
    '              - matchPattern: "*"',
  }
  if eg.mode == "allowlist" then
    l[#l + 1] = "    - toFQDNs:"
    for _, d in ipairs(eg.domains) do l[#l + 1] = '        - matchName: "' .. d .. '"' end
    l[#l + 1] = "      toPorts:"
    l[#l + 1] = "        - ports:"
    l[#l + 1] = '            - port: "443"'
    l[#l + 1] = "              protocol: TCP"
  else
    l[#l + 1] = "    - toCIDRSet:"
    l[#l + 1] = "        - cidr: 0.0.0.0/0"
    l[#l + 1] = "          except:"
    for _, c in ipairs(PRIVATE) do l[#l + 1] = "            - " .. c end
    l[#l + 1] = "      toPorts:"
    l[#l + 1] = "        - ports:"
    l[#l + 1] = '            - port: "80"'
    l[#l + 1] = "              protocol: TCP"
    l[#l + 1] = '            - port: "443"'
    l[#l + 1] = "              protocol: TCP"
  end
  return table.concat(l, "\n")
end

local function np_egress(eg)
  local l = {
    "    # DNS to kube-dns",
    "    - to:",
    "        - namespaceSelector:",
    "            matchLabels:",
    "              kubernetes.io/metadata.name: kube-system",
    "          podSelector:",
    "            matchLabels:",
    "              k8s-app: kube-dns",
    "      ports:",
    "        - protocol: UDP",
    "          port: 53",
    "        - protocol: TCP",
    "          port: 53",
  }
  if eg.mode == "deny-all" then return "  egress: []" end
  l[#l + 1] = "    # HTTPS (and HTTP for open-public) to public addresses only: the"
  l[#l + 1] = "    # domain allowlist itself is enforced by network/cilium-network-policy.yaml"
  l[#l + 1] = "    - to:"
  l[#l + 1] = "        - ipBlock:"
  l[#l + 1] = "            cidr: 0.0.0.0/0"
  l[#l + 1] = "            except:"
  for _, c in ipairs(PRIVATE) do l[#l + 1] = "              - " .. c end
  l[#l + 1] = "      ports:"
  if eg.mode == "open-public" then
    l[#l + 1] = "        - protocol: TCP"
    l[#l + 1] = "          port: 80"
  end
  l[#l + 1] = "        - protocol: TCP"
  l[#l + 1] = "          port: 443"
  return "  egress:\n" .. table.concat(l, "\n")
end

local function profile_text(ctx, name)
  local p = "security/seccomp-" .. name .. ".json"
  local t = (ctx.common and ctx.common[p]) or ctx.templates[p]
  if t == nil then error("family-oci-container: no seccomp profile " .. p) end
  return t
end

local function bundle(entry, req, ctx)
  local uc, tr = USECASE[req["use-case"]], TRUST[req.trust]
  if uc == nil or tr == nil then
    error("family-oci-container: unknown use case or trust " .. tostring(req["use-case"]) .. "/" .. tostring(req.trust))
  end
  local T = ctx.templates
  local eg = egress_for(req)
  local profile_file = "seccomp-" .. req["use-case"] .. ".json"
  local ptext = profile_text(ctx, uc.profile)
  local prof = json_decode(ptext)
  local args = ARGS[req["use-case"]]
  local exec_args = {}
  for k = 2, #args do exec_args[#exec_args + 1] = "  arg: " .. jstr(args[k]) end
  local ns = "sandbox-atlas"
  local kcmd = args
  if args[1] == "/usr/bin/python3" then kcmd = { "/usr/bin/python3", "-I", "-c", "print('sandbox ready')" } end
  local infra_files = ({
    kubernetes = "`kustomization.yaml` (Kustomize base: `deploy/namespace.yaml` at PSS restricted, `deploy/runtimeclass.yaml`, `deploy/sandbox-job.yaml`, `deploy/agent-rbac.yaml`, `deploy/resourcequota.yaml`, `deploy/limitrange.yaml`, `network/networkpolicy.yaml`, `network/cilium-network-policy.yaml`) and `deploy/node-setup.sh`",
    aws = "`deploy/main.tf`, `deploy/variables.tf`, `deploy/outputs.tf`, `deploy/versions.tf` (EC2 sandbox hosts: IMDSv2 required, hop limit 1), `deploy/host-setup.sh` (user data), `deploy/sandbox@.service`, `deploy/sandbox-watchdog.service` and `.timer`, `network/sandbox.nft`",
  })[req.infra] or "`deploy/host-setup.sh`, `deploy/sandbox@.service`, `deploy/sandbox-watchdog.service` and `.timer` (systemd), `network/sandbox.nft`"
  local packages = "python3,nodejs"
  if uc.profile == "browser-automation" then packages = "python3,nodejs,chromium,fonts-liberation" end
  local vars = {
    top = ctx.top,
    build_date = ctx.build_date,
    primary = entry.slug,
    primary_name = entry.name,
    use_case = req["use-case"],
    trust = req.trust,
    infra = req.infra,
    profile_file = profile_file,
    profile_source = "seccomp-" .. uc.profile .. ".json",
    apparmor_name = "sandbox-atlas-oci",
    namespace = ns,
    vcpu = uc.vcpu,
    cpu_quota = uc.vcpu * 100000,
    cpu_ms_per_sec = uc.vcpu * 1000,
    cpu_millis = uc.vcpu * 1000,
    memory_mib = uc.mem,
    memory_bytes = uc.mem * MIB,
    pids = uc.pids,
    nproc = uc.pids,
    nofile = uc.nofile,
    as_bytes = uc.as,
    as_mib = uc.as // MIB,
    fsize_bytes = uc.fsize,
    fsize_mib = uc.fsize // MIB,
    tmp_bytes = uc.tmp * MIB,
    tmp_mib = uc.tmp,
    workspace_bytes = uc.work * MIB,
    workspace_mib = uc.work,
    shm_bytes = uc.shm * MIB,
    shm_mib = uc.shm,
    command_s = tr.command,
    kill_after_s = tr.kill_after,
    cpu_s = tr.command * uc.vcpu,
    lifetime_s = tr.lifetime,
    max_age_s = tr.command + tr.kill_after + 60,
    job_deadline_s = tr.command + 30,
    host_id_base = 100000,
    host_uid = 100000 + 65534,
    args_json = json_lines(args, "      "),
    args_lines = table.concat(args, "\n"),
    exec_path = args[1],
    exec_args = table.concat(exec_args, "\n"),
    seccomp = indent_cont(ptext, "    "),
    kafel = kafel_field(kafel_policy(prof)),
    egress_mode = eg.mode,
    egress_note = EGRESS_NOTE[eg.mode],
    egress_domains = (#eg.domains > 0) and table.concat(eg.domains, ", ") or "none",
    nft_egress = nft_egress(eg),
    nft_private = nft_private(eg),
    np_egress = np_egress(eg),
    cilium_egress = cilium_egress(eg, ns),
    private_nft = table.concat(PRIVATE, ", "),
    private_hcl = "[" .. table.concat((function()
      local o = {}
      for k, c in ipairs(PRIVATE) do o[k] = jstr(c) end
      return o
    end)(), ", ") .. "]",
    infra_files = infra_files,
    k8s_command = yaml_list(kcmd, "            "),
    args_unit = table.concat(args, " "),
    unit_max_s = tr.command + tr.kill_after + 30,
    quota_cpu = 20 * uc.vcpu,
    quota_memory_mib = 20 * uc.mem,
    rootfs_packages = packages,
    image = "registry.example.com/sandbox-" .. uc.profile .. ":1.0.0",
  }
  vars.client_timeout_s = tr.command + tr.kill_after + 15
  local out = {}
  out["security/" .. profile_file] = ptext
  -- integration/: the common clients (content/bundles/common/integration/,
  -- when the builder passes ctx.common) with the Kubernetes transport on
  -- Kubernetes, else this family's local transport around run-sandbox.sh.
  local common = ctx.common
  if common ~= nil and common["integration/sandbox_client.py"] ~= nil then
    local iv = {
      provider = entry.slug, endpoint = "http://127.0.0.1:8080", timeout_s = vars.client_timeout_s,
      namespace = ns, runtime_class = "runc-hardened", image = vars.image,
      transport_class = "KubernetesTransport", transport_module = "./k8sTransport.js",
      use_case = req["use-case"],
    }
    local list = { "sandbox_client.py", "test_sandbox_client.py" }
    if req.infra == "kubernetes" then
      for _, f in ipairs({ "sandbox_k8s.py", "test_sandbox_k8s.py", "sandboxClient.ts",
        "sandboxClient.test.ts", "k8sTransport.ts", "k8sTransport.test.ts", "mcpServer.ts",
        "openaiAgentTool.ts", "wiring.test.ts", "package.json" }) do
        list[#list + 1] = f
      end
    else
      out["integration/sandbox_local.py"] = fill(T["integration/sandbox_local.py"], vars)
      out["integration/test_sandbox_local.py"] = fill(T["integration/test_sandbox_local.py"], vars)
    end
    for _, f in ipairs(list) do
      local t = common["integration/" .. f]
      if t == nil then error("family-oci-container: missing common template integration/" .. f) end
      out["integration/" .. f] = fill(t, iv)
    end
  end
  for _, ft in ipairs(files_for(req.infra)) do
    local text = T[ft[2]]
    if text == nil then error("family-oci-container: missing template " .. ft[2]) end
    out[ft[1]] = fill(text, vars)
  end
  return out
end

return {
  api = 1,
  name = "family-oci-container",
  description = "runc/crun config.json, bubblewrap and nsjail configurations, AppArmor, runner, watchdog, network policy, deployment and monitoring for process sandboxes on the host kernel.",
  family = "oci-container",
  key = KEY,
  verify = V,
  bundle = bundle,
}
