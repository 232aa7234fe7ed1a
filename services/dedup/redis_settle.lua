-- Atomic verdict of one waiting event (mirrors DedupState._settle_event in services/dedup/state.py): the first
-- settled member of a story fixes its representative (the earliest origin time admitted so far); the others
-- are copies of it, their kind and similarity taken against the representative itself.
-- KEYS: as redis_admit.lua.  ARGV: id, event key, jaccard threshold, containment threshold, min containment shingles, min agreements
local id, ekey = ARGV[1], ARGV[2]
local jt, ct, min_n, min_agree = tonumber(ARGV[3]), tonumber(ARGV[4]), tonumber(ARGV[5]), tonumber(ARGV[6])
local ART, ENT, SIG, STORIES = KEYS[2], KEYS[4], KEYS[5], KEYS[9]

local raw = redis.call('HGET', ART, id)
if not raw then return redis.error_reply('no waiting event ' .. ekey .. ' of article ' .. id .. ' in the dedup state') end
local a = cjson.decode(raw)
local position = nil
for i, ev in ipairs(a.e) do if ev[1] == ekey then position = i end end
if not position then return redis.error_reply('no waiting event ' .. ekey .. ' of article ' .. id .. ' in the dedup state') end
local ev = a.e[position]
if ev[3] then return cjson.encode(ev[2]) end

local story = cjson.decode(redis.call('HGET', STORIES, a.st))
if story.rep == nil or story.rep == cjson.null then
  story.rep = story.ei -- the first settled member fixes who represents the story
  redis.call('HSET', STORIES, a.st, cjson.encode(story))
end
local rep = story.rep
local draft = ev[2]
local decision

local function probe_of(record)
  if record == nil or record.q == nil or record.q == cjson.null then return nil, nil end
  local e = redis.call('HGET', ENT, tostring(record.q))
  local s = redis.call('HGET', SIG, tostring(record.q))
  if not e or not s then return nil, nil end
  return s, tonumber(cjson.decode(e).n)
end

-- Same as matching.similarity: the near-duplicate score, else the Jaccard estimate.
local function similarity(sig, n, other, other_n)
  local agree = 0
  for i = 1, #sig, 4 do
    if string.sub(sig, i, i + 3) == string.sub(other, i, i + 3) then agree = agree + 1 end
  end
  local j = agree / (#sig / 4)
  if j >= jt then return j end
  local smaller = math.min(n, other_n)
  if smaller < min_n or agree < min_agree then return j end
  local c = math.min(1.0, j * (n + other_n) / ((1.0 + j) * smaller))
  if c >= ct then return c end
  return j
end

if draft.k == 'resend' or draft.k == 'update' then
  decision = draft
  if draft.k == 'update' and rep == id then decision.d = cjson.null else decision.d = rep end
  decision.c = rep
elseif rep == id then
  decision = {k = 'unique', d = cjson.null, c = id, s = '0', r = draft.r, p = cjson.null}
else
  local other_raw = redis.call('HGET', ART, rep)
  local other = other_raw and cjson.decode(other_raw) or nil
  local kind, score = draft.k, draft.s
  local mine, mine_n = probe_of(a)
  local theirs, theirs_n = probe_of(other)
  if other and a.h ~= '' and other.h == a.h then
    kind, score = 'exact', '1'
  elseif other and a.u ~= '' and other.u == a.u then
    kind = 'url'
    if mine and theirs then score = string.format('%.17g', similarity(mine, mine_n, theirs, theirs_n)) end
  elseif mine and theirs then
    kind, score = 'near', string.format('%.17g', similarity(mine, mine_n, theirs, theirs_n))
  elseif kind == 'exact' then
    kind = 'near' -- it copies a member that differs from the representative
  end
  decision = {k = kind, d = rep, c = rep, s = score, r = draft.r, p = cjson.null}
end
a.e[position] = {ekey, decision, true}
redis.call('HSET', ART, id, cjson.encode(a))
return cjson.encode(decision)
