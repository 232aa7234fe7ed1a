-- Atomic arrival of one event (mirrors DedupState._admit_one / _admit_again in services/dedup/state.py):
-- a known event gets its stored verdict; a new event of a known id is a resend or an update; a new id is
-- matched (exact body, canonical URL, LSH near duplicates) in the window, joins the matched story or
-- starts one, is indexed, and waits to be settled (redis_settle.lua).
-- KEYS: 1 meta (watermark, layout, seq)  2 articles (id -> json)  3 article expiry (zset id by event time)
--       4 entries (seq -> json {id,t,h,u,n,st})  5 signatures (seq -> bytes)  6 entry expiry (zset seq by time)
--       7 by body hash (hash -> packed seqs)  8 by url  9 stories (key -> json)
--       band buckets are KEYS[1] .. ':' .. bucket (same hash tag, so the same cluster slot)
-- ARGV: id, event_time, origin_time, event_key, content_hash, url, signature, shingles, band keys (4 bytes each),
--       window, retention, jaccard threshold, containment threshold, min containment shingles, min agreements,
--       index duplicates, prune limit, bucket bits
local id, t, origin, ekey = ARGV[1], tonumber(ARGV[2]), tonumber(ARGV[3]), ARGV[4]
local hash, url, sig, n, bandkeys = ARGV[5], ARGV[6], ARGV[7], tonumber(ARGV[8]), ARGV[9]
local window, retention, jt, ct = tonumber(ARGV[10]), tonumber(ARGV[11]), tonumber(ARGV[12]), tonumber(ARGV[13])
local min_n, min_agree, index_dups, limit, bucket_bits = tonumber(ARGV[14]), tonumber(ARGV[15]), ARGV[16] == '1', tonumber(ARGV[17]), tonumber(ARGV[18])
local META, ART, ART_EXP, ENT, SIG, ENT_EXP, BY_HASH, BY_URL, STORIES = KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5], KEYS[6], KEYS[7], KEYS[8], KEYS[9]

local function reply(decision, after)
  return cjson.encode({v = decision or cjson.null, a = string.format('%.17g', after)})
end

local function bucket_of(bkey)
  local b1, b2, b3 = string.byte(bkey, 1, 3)
  local top = (b1 * 65536 + b2 * 256 + b3) / (2 ^ (24 - bucket_bits))
  return META .. ':b' .. math.floor(top)
end

local function packed_remove(key, field, member)
  local raw = redis.call('HGET', key, field)
  if not raw then return end
  local kept = {}
  for i = 1, #raw, 4 do
    local s = string.sub(raw, i, i + 3)
    if s ~= member then kept[#kept + 1] = s end
  end
  if #kept == 0 then redis.call('HDEL', key, field) else redis.call('HSET', key, field, table.concat(kept)) end
end

local function packed_append(key, field, member)
  local raw = redis.call('HGET', key, field) or ''
  redis.call('HSET', key, field, raw .. member)
end

local function unindex(seq)
  local raw = redis.call('HGET', ENT, seq)
  if raw then
    local e = cjson.decode(raw)
    local member = struct.pack('>I4', tonumber(seq))
    if e.h ~= '' then packed_remove(BY_HASH, e.h, member) end
    if e.u ~= '' then packed_remove(BY_URL, e.u, member) end
    local bk = e.b or ''
    for i = 1, #bk, 4 do
      local k = string.sub(bk, i, i + 3)
      packed_remove(bucket_of(k), k, member)
    end
    redis.call('HDEL', ENT, seq)
    redis.call('HDEL', SIG, seq)
  end
  redis.call('ZREM', ENT_EXP, seq)
end

local function index(story)
  local seq = redis.call('HINCRBY', META, 'seq', 1)
  local member = struct.pack('>I4', seq)
  redis.call('HSET', ENT, seq, cjson.encode({id = id, t = ARGV[2], h = hash, u = url, n = n, st = story, b = bandkeys}))
  redis.call('ZADD', ENT_EXP, t, seq)
  if hash ~= '' then packed_append(BY_HASH, hash, member) end
  if url ~= '' then packed_append(BY_URL, url, member) end
  if sig ~= '' then
    redis.call('HSET', SIG, seq, sig)
    for i = 1, #bandkeys, 4 do
      local k = string.sub(bandkeys, i, i + 3)
      packed_append(bucket_of(k), k, member)
    end
  end
  return seq
end

-- Watermark and expiry, a bounded number per call so no call blocks Redis for long.
local function advance()
  local watermark = tonumber(redis.call('HGET', META, 'watermark') or ARGV[2])
  if t > watermark then watermark = t end
  redis.call('HSET', META, 'watermark', string.format('%.6f', watermark))
  for _, seq in ipairs(redis.call('ZRANGEBYSCORE', ENT_EXP, '-inf', '(' .. string.format('%.6f', watermark - window), 'LIMIT', 0, limit)) do
    local raw = redis.call('HGET', ENT, seq)
    if raw then
      local aid = cjson.decode(raw).id
      local araw = redis.call('HGET', ART, aid)
      if araw then
        local a = cjson.decode(araw)
        if tostring(a.q) == seq then a.q = cjson.null; redis.call('HSET', ART, aid, cjson.encode(a)) end
      end
    end
    unindex(seq)
  end
  local horizon = watermark - math.max(retention, window)
  for _, aid in ipairs(redis.call('ZRANGEBYSCORE', ART_EXP, '-inf', '(' .. string.format('%.6f', horizon), 'LIMIT', 0, limit)) do
    local araw = redis.call('HGET', ART, aid)
    local waiting = false
    if araw then
      local a = cjson.decode(araw)
      for _, ev in ipairs(a.e) do if not ev[3] then waiting = true end end
      if not waiting then
        redis.call('HDEL', ART, aid)
        local sraw = redis.call('HGET', STORIES, a.st)
        if sraw and tonumber(cjson.decode(sraw).l) < horizon then redis.call('HDEL', STORIES, a.st) end
      end
    end
    if not waiting then redis.call('ZREM', ART_EXP, aid) end
  end
end

local function in_window(seq)
  local raw = redis.call('HGET', ENT, seq)
  if not raw then return nil end
  local e = cjson.decode(raw)
  if math.abs(tonumber(e.t) - t) > window then return nil end
  return e
end

local function first_in_window(key, field)
  local raw = redis.call('HGET', key, field)
  if not raw then return nil, nil end
  for i = 1, #raw, 4 do
    local seq = tostring(struct.unpack('>I4', string.sub(raw, i, i + 3)))
    local e = in_window(seq)
    if e then return seq, e end
  end
  return nil, nil
end

-- Same estimate as MatchPolicy.score: Jaccard, else containment from Jaccard and the shingle counts.
local function score(other, other_n)
  local agree = 0
  for i = 1, #sig, 4 do
    if string.sub(sig, i, i + 3) == string.sub(other, i, i + 3) then agree = agree + 1 end
  end
  local j = agree / (#sig / 4)
  if j >= jt then return j, j end
  local smaller = math.min(n, other_n)
  if smaller < min_n or agree < min_agree then return nil, j end
  local c = math.min(1.0, j * (n + other_n) / ((1.0 + j) * smaller))
  if c >= ct then return c, j end
  return nil, j
end

local function fmt(x) return string.format('%.17g', x) end

local existing = redis.call('HGET', ART, id)
if existing then
  local a = cjson.decode(existing)
  for _, ev in ipairs(a.e) do
    if ev[1] == ekey then -- a redelivery or replay: the same verdict, or still waiting
      if ev[3] then return reply(ev[2], a.o) end
      return reply(nil, a.o)
    end
  end
  advance()
  local waiting = false
  for _, ev in ipairs(a.e) do if not ev[3] then waiting = true end end
  local draft
  if hash == a.h then
    draft = {k = 'resend', d = cjson.null, c = '', s = '1', r = a.r, p = cjson.null}
  else
    draft = {k = 'update', d = cjson.null, c = '', s = '0', r = a.r + 1, p = a.h == '' and cjson.null or a.h}
    a.r, a.h, a.u = a.r + 1, hash, url
    if a.q ~= nil and a.q ~= cjson.null then
      unindex(tostring(a.q))
      a.q = index(a.st) -- later copies are matched against the corrected text
    end
  end
  if t > tonumber(a.t) then a.t = ARGV[2] end
  redis.call('ZADD', ART_EXP, tonumber(a.t), id)
  local settled = false
  if not waiting then -- the id's story is settled: this event is decided now
    local story = cjson.decode(redis.call('HGET', STORIES, a.st))
    local rep = story.rep
    if draft.k == 'update' and rep == id then draft.d = cjson.null else draft.d = rep end
    draft.c = rep
    settled = true
  end
  a.e[#a.e + 1] = {ekey, draft, settled}
  redis.call('HSET', ART, id, cjson.encode(a))
  if settled then return reply(draft, a.o) end
  return reply(nil, a.o)
end

advance()
local layout = tostring(#bandkeys / 4) .. 'x' .. tostring(#sig / 4 / math.max(1, #bandkeys / 4))
local stored_layout = redis.call('HGET', META, 'layout')
if sig ~= '' then
  if stored_layout and stored_layout ~= layout then
    return redis.error_reply('dedup state was built with LSH layout ' .. stored_layout .. ', not ' .. layout)
  end
  redis.call('HSET', META, 'layout', layout)
end

local kind, story_key, similarity = nil, id, 0
if hash ~= '' then
  local _, e = first_in_window(BY_HASH, hash)
  if e then kind, story_key, similarity = 'exact', e.st, 1 end
end
if not kind and url ~= '' then
  local seq, e = first_in_window(BY_URL, url)
  if e then
    kind, story_key, similarity = 'url', e.st, 0
    local other = redis.call('HGET', SIG, seq)
    if sig ~= '' and other then
      local s, j = score(other, tonumber(e.n))
      similarity = s or j
    end
  end
end
if not kind and sig ~= '' then
  local seen, best, best_seq, best_story = {}, nil, nil, nil
  for i = 1, #bandkeys, 4 do
    local k = string.sub(bandkeys, i, i + 3)
    local raw = redis.call('HGET', bucket_of(k), k)
    if raw then
      for p = 1, #raw, 4 do
        local seq = struct.unpack('>I4', string.sub(raw, p, p + 3))
        if not seen[seq] then
          seen[seq] = true
          local e = in_window(tostring(seq))
          local other = e and redis.call('HGET', SIG, tostring(seq))
          if other then
            local s = score(other, tonumber(e.n))
            -- ties go to the earliest indexed candidate, as in matching.py
            if s and (best == nil or s > best or (s == best and seq < best_seq)) then
              best, best_seq, best_story = s, seq, e.st
            end
          end
        end
      end
    end
  end
  if best then kind, story_key, similarity = 'near', best_story, best end
end

local sraw = redis.call('HGET', STORIES, story_key)
local story
if sraw then story = cjson.decode(sraw) else story = {rep = cjson.null, eo = ARGV[3], ei = id, l = ARGV[2]} end
local eo = tonumber(story.eo)
if origin < eo or (origin == eo and id < story.ei) then story.eo, story.ei = ARGV[3], id end
if t > tonumber(story.l) then story.l = ARGV[2] end
redis.call('HSET', STORIES, story_key, cjson.encode(story))

local draft = {k = kind or 'unique', d = cjson.null, c = '', s = fmt(similarity), r = 1, p = cjson.null}
local a = {st = story_key, t = ARGV[2], o = ARGV[3], h = hash, u = url, r = 1, e = {{ekey, draft, false}}, q = cjson.null}
if kind == nil or index_dups then a.q = index(story_key) end
redis.call('HSET', ART, id, cjson.encode(a))
redis.call('ZADD', ART_EXP, t, id)
return reply(nil, origin)
