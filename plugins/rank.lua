-- rank.lua: the recommendation engine.  Applies the hard constraints of
-- content/rules.yaml to every sandbox entry, then scores every candidate
-- (eligible or not) with the weighted soft criteria, and explains each
-- step in plain sentences that name the deciding criterion.
-- Interface (DESIGN.md): rank(entries, requirements, rules) returns a list
-- of {slug, score, eligible, reasons}; the builder sorts, rounds and picks
-- the primary and the fallback.  Every rule and weight is data.

local function set(list)
  local s = {}
  for _, v in ipairs(list or {}) do s[v] = true end
  return s
end

local function join(list)
  return table.concat(list, ", ")
end

local function crit(e, name)
  return (e.criteria or {})[name] or {}
end

local function num(x, default)
  return tonumber(x) or default
end

-- The hard constraints, in the order a reader checks them.  Each returns
-- nil when the entry passes, else the sentence that excludes it.
local checks = {}

checks[#checks + 1] = function(e, req, c)
  local iso = crit(e, "isolation").class or "unknown"
  local t = (c.trust or {})[req.trust] or {}
  local allowed = set(t.isolation)
  if iso == "language-vm" and set(t.language_vm_use_cases)[req["use-case"]] then
    allowed[iso] = true
  end
  if not allowed[iso] then
    local extra = ""
    if iso == "language-vm" and t.language_vm_use_cases then
      extra = " (a language VM only for " .. join(t.language_vm_use_cases) .. ")"
    end
    return string.format("Isolation level: trust level '%s' needs %s%s; %s provides %s.",
      req.trust, join(t.isolation or {}), extra, e.name, iso)
  end
end

checks[#checks + 1] = function(e, req, c)
  local lands = (c.userland or {})[req["use-case"]] or {}
  if not set(lands)[e.userland or ""] then
    return string.format("Language support: use case '%s' needs a %s userland; %s offers %s.",
      req["use-case"], join(lands), e.name, e.userland or "no documented userland")
  end
end

checks[#checks + 1] = function(e, req, c)
  local sh = crit(e, "self_host").class or "none"
  local ok = (c.budget_self_host or {})[req.budget] or {}
  if not set(ok)[sh] then
    return string.format("Self-host option: budget '%s' needs self-hosting class %s; %s is '%s'.",
      req.budget, join(ok), e.name, sh)
  end
  local cost = crit(e, "cost").class or "enterprise"
  local cok = (c.budget_cost or {})[req.budget] or {}
  if not set(cok)[cost] then
    return string.format("Cost model: budget '%s' allows %s; %s is '%s'.",
      req.budget, join(cok), e.name, cost)
  end
end

checks[#checks + 1] = function(e, req, c)
  if not set(e.fits_infra)[req.infra] then
    return string.format("Infrastructure: %s does not fit '%s' (it fits %s).",
      e.name, req.infra, #(e.fits_infra or {}) > 0 and join(e.fits_infra) or "no listed infrastructure")
  end
end

checks[#checks + 1] = function(e, req, c)
  local ceiling = num((c.latency_ms or {})[req.latency])
  if not ceiling then return nil end
  local cs, sr = crit(e, "cold_start"), e.snapshot_restore or {}
  local best = cs.ms_min
  if sr.ms_min and (best == nil or sr.ms_min < best) then best = sr.ms_min end
  if best == nil then
    return string.format("Cold start time: latency '%s' needs a documented start under %d ms; %s's is %s.",
      req.latency, ceiling, e.name, cs.value or "not documented")
  elseif best > ceiling then
    return string.format("Cold start time: latency '%s' needs under %d ms; %s documents %d ms at best (cold start or snapshot restore).",
      req.latency, ceiling, e.name, best)
  end
end

checks[#checks + 1] = function(e, req, c)
  local conc = e.concurrency or {}
  local need = num((c.scale_min_concurrency or {})[req.scale])
  if need and conc.max and conc.max < need then
    return string.format("Scale: %d concurrent sandboxes needed; %s documents a ceiling of %d.",
      need, e.name, conc.max)
  end
  if req.scale == "autoscale" then
    local a = c.autoscale or {}
    local mode = conc.autoscale
    if set(a.built_in)[mode] then return nil end
    if mode == "with-orchestrator" and set(a.with_orchestrator_infra)[req.infra] then return nil end
    return string.format("Scale: auto-scaling needs scaling built in%s; %s's is %s.",
      #(a.with_orchestrator_infra or {}) > 0 and (" or an orchestrator on " .. join(a.with_orchestrator_infra)) or "",
      e.name, mode or "not documented")
  end
end

local function constraints(e, req, rules)
  local c = rules.constraints or {}
  for _, check in ipairs(checks) do
    local why = check(e, req, c)
    if why then return why end
  end
  return nil
end

local function soft(e, req, rules)
  local w = rules.weights or {}
  local reasons, total, wsum = {}, 0, 0
  local function add(weight, x, why)
    weight = num(weight, 0)
    total = total + weight * x
    wsum = wsum + weight
    reasons[#reasons + 1] = why
  end
  local iso = crit(e, "isolation")
  local strength = num((rules.isolation_strength or {})[iso.class], 0)
  local wiso = type(w.isolation) == "table" and w.isolation[req.trust] or w.isolation
  local needed = num((rules.isolation_needed or {})[req.trust], 3)
  add(wiso, math.min(strength, needed) / needed,
    string.format("Isolation level: %s, strength %d of 3; trust level '%s' needs %d.",
      iso.class or "unknown", strength, req.trust, needed))

  local cs, sr = crit(e, "cold_start"), e.snapshot_restore or {}
  local best = cs.ms_min
  if sr.ms_min and (best == nil or sr.ms_min < best) then best = sr.ms_min end
  local x, why
  if best == nil then
    x, why = 0.2, "Cold start time: not documented, so it scores low."
  else
    if best <= 100 then x = 1 elseif best <= 1000 then x = 0.6 elseif best <= 10000 then x = 0.3 else x = 0 end
    why = string.format("Cold start time: %d ms at best.", best)
  end
  add(w.cold_start, x, why)

  local sh = crit(e, "self_host")
  add(w.self_host, sh.class == "full" and 1 or (sh.class == "partial" and 0.5 or 0),
    string.format("Self-host option: %s.", sh.class or "unknown"))

  local n = #(crit(e, "integrations").list or {})
  add(w.integrations, math.min(n / 5, 1),
    string.format("Agent framework integration: %d documented integration(s).", n))

  local langs = crit(e, "languages").list or {}
  local any = set(langs)["any-linux"]
  add(w.language_breadth, any and 1 or math.min(#langs / 4, 1),
    any and "Language support: any Linux program." or
      string.format("Language support: %d listed language(s).", #langs))

  local fit = num(((rules.userland_fit or {})[req["use-case"]] or {})[e.userland or ""], 0)
  add(w.userland_fit, fit, string.format("Userland: %s fits '%s' at %.1f of 1.",
    e.userland or "unknown", req["use-case"], fit))

  local m = (e.maturity or {}).class or "unknown"
  add(w.maturity, num((rules.maturity or {})[m], 0.5),
    string.format("Maturity: %s.", (e.maturity or {}).class or "not documented"))

  if wsum == 0 then return 0, reasons end
  return 100 * total / wsum, reasons
end

local function rank(entries, req, rules)
  local out = {}
  for _, e in ipairs(entries) do
    if e.kind == "sandbox" then
      local excluded = constraints(e, req, rules)
      local score, reasons = soft(e, req, rules)
      if excluded then
        table.insert(reasons, 1, "Not eligible. " .. excluded)
      else
        table.insert(reasons, 1, "Eligible: meets every hard constraint for these requirements.")
      end
      out[#out + 1] = { slug = e.slug, score = score, eligible = excluded == nil, reasons = reasons }
    end
  end
  return out
end

return { api = 1, name = "rank", description = "Hard constraints, then weighted criteria, from content/rules.yaml.", rank = rank }
