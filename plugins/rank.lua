-- rank.lua: the recommendation engine.  Applies the hard constraints of
-- content/rules.yaml to every sandbox entry, then scores the eligible and
-- the excluded alike with the weighted soft criteria, and explains each
-- step in plain sentences that name the deciding criterion.
-- Interface (DESIGN.md): rank(entries, requirements, rules) returns a list
-- of {slug, score, eligible, reasons}; the builder sorts, rounds and picks
-- the primary and the fallback.

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

-- Returns nil when the entry passes, else the reason it is excluded.
local function constraints(e, req, rules)
  local c = rules.constraints or {}
  local iso = crit(e, "isolation").class or "unknown"
  local t = (c.trust or {})[req.trust] or {}
  local allowed = set(t.isolation)
  if iso == "language-vm" and set(t.language_vm_use_cases)[req["use-case"]] then
    allowed[iso] = true
  end
  if not allowed[iso] then
    return string.format("Isolation: trust level '%s' needs %s; %s provides %s.",
      req.trust, join(t.isolation or {}), e.name, iso)
  end
  local lands = (c.userland or {})[req["use-case"]] or {}
  if not set(lands)[e.userland or ""] then
    return string.format("Userland: use case '%s' needs %s; %s offers %s.",
      req["use-case"], join(lands), e.name, e.userland or "no documented userland")
  end
  local sh = crit(e, "self_host").class or "none"
  local shok = (c.budget_self_host or {})[req.budget] or {}
  if not set(shok)[sh] then
    return string.format("Self-host option: budget '%s' needs self-hosting class %s; %s is '%s'.",
      req.budget, join(shok), e.name, sh)
  end
  local cost = crit(e, "cost").class or "enterprise"
  local cok = (c.budget_cost or {})[req.budget] or {}
  if not set(cok)[cost] then
    return string.format("Cost model: budget '%s' allows %s; %s is '%s'.",
      req.budget, join(cok), e.name, cost)
  end
  if not set(e.fits_infra)[req.infra] then
    return string.format("Infrastructure: %s does not list '%s' among the infrastructure it fits (%s).",
      e.name, req.infra, join(e.fits_infra or {}))
  end
  local ceiling = tonumber(((c.latency_ms or {})[req.latency]))
  if ceiling then
    local cs = crit(e, "cold_start")
    if cs.ms_min == nil then
      return string.format("Cold start: latency '%s' needs a documented start under %d ms; %s's is %s.",
        req.latency, ceiling, e.name, cs.value or "not documented")
    elseif cs.ms_min > ceiling then
      return string.format("Cold start: latency '%s' needs under %d ms; %s documents %d ms at best.",
        req.latency, ceiling, e.name, cs.ms_min)
    end
  end
  return nil
end

local function soft(e, rules)
  local w = rules.weights or {}
  local strength = tonumber((rules.isolation_strength or {})[crit(e, "isolation").class]) or 0
  local parts, reasons, total, wsum = {}, {}, 0, 0
  local function add(name, weight, x, why)
    weight = tonumber(weight) or 0
    total = total + weight * x
    wsum = wsum + weight
    reasons[#reasons + 1] = why
  end
  add("isolation", w.isolation, strength / 3,
    string.format("Isolation level: %s (%s).", crit(e, "isolation").class or "unknown",
      crit(e, "isolation").value or ""))
  local cs = crit(e, "cold_start")
  local x, why
  if cs.ms_min == nil then
    x, why = 0.2, "Cold start time: not documented, scored low."
  else
    local ms = cs.ms_min
    if ms <= 100 then x = 1 elseif ms <= 1000 then x = 0.6 elseif ms <= 10000 then x = 0.3 else x = 0 end
    why = string.format("Cold start time: %s.", cs.value or (ms .. " ms"))
  end
  add("cold_start", w.cold_start, x, why)
  local sh = crit(e, "self_host").class
  add("self_host", w.self_host, sh == "full" and 1 or (sh == "partial" and 0.5 or 0),
    string.format("Self-host option: %s.", crit(e, "self_host").value or sh or "unknown"))
  local n = #(crit(e, "integrations").list or {})
  add("integrations", w.integrations, math.min(n / 5, 1),
    string.format("Agent framework integration: %d documented integration(s).", n))
  local langs = crit(e, "languages").list or {}
  local any = set(langs)["any-linux"]
  add("language_breadth", w.language_breadth, any and 1 or math.min(#langs / 4, 1),
    string.format("Language support: %s.", crit(e, "languages").value or "not documented"))
  if wsum == 0 then return 0, reasons end
  return 100 * total / wsum, reasons
end

local function rank(entries, req, rules)
  local out = {}
  for _, e in ipairs(entries) do
    if e.kind == "sandbox" then
      local excluded = constraints(e, req, rules)
      local score, reasons = soft(e, rules)
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
