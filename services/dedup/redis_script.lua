-- Atomic check-and-insert of one article: the stored decision for its id, else match against the
-- fingerprints of the window (exact body, canonical URL, LSH near duplicates), store and index.
-- Mirrors services/dedup/matching.py; tests run both stores through the same cases.
-- KEYS: 1 decisions (hash id -> decision json)  2 decision expiry (zset id by event time)
--       3 entries (hash id -> {t,h,u,n,c,q})       4 signatures (hash id -> bytes)
--       5 entry expiry (zset id by event time)  6 by body hash  7 by url  8 by band (hash -> json id list)
--       9 meta (watermark, layout, seq: insertion counter)
-- ARGV: id, event_time, content_hash, url, signature, shingles, window, retention, jaccard threshold,
--       containment threshold, bands, rows, min containment shingles, min agreements, index duplicates, prune limit
local id = ARGV[1]
local known = redis.call('HGET', KEYS[1], id)
if known then
  return known -- a redelivery or replay: same answer, never a duplicate of itself
end
local t, hash, url, sig = tonumber(ARGV[2]), ARGV[3], ARGV[4], ARGV[5]
local n, window, retention = tonumber(ARGV[6]), tonumber(ARGV[7]), tonumber(ARGV[8])
local jt, ct, bands, rows = tonumber(ARGV[9]), tonumber(ARGV[10]), tonumber(ARGV[11]), tonumber(ARGV[12])
local min_n, min_agree, index_dups, limit = tonumber(ARGV[13]), tonumber(ARGV[14]), ARGV[15] == '1', tonumber(ARGV[16])
local width = rows * 4

local layout = bands .. 'x' .. rows
local stored_layout = redis.call('HGET', KEYS[9], 'layout')
if stored_layout and stored_layout ~= layout then
  return redis.error_reply('dedup state was built with LSH layout ' .. stored_layout .. ', not ' .. layout)
end
redis.call('HSET', KEYS[9], 'layout', layout)

local function band_keys(s)
  local keys = {}
  for b = 0, bands - 1 do
    keys[#keys + 1] = b .. ':' .. string.sub(s, b * width + 1, (b + 1) * width)
  end
  return keys
end

local function list_append(key, field, member)
  local raw = redis.call('HGET', key, field)
  local ids = raw and cjson.decode(raw) or {}
  ids[#ids + 1] = member
  redis.call('HSET', key, field, cjson.encode(ids))
end

local function list_remove(key, field, member)
  local raw = redis.call('HGET', key, field)
  if not raw then return end
  local kept = {}
  for _, other in ipairs(cjson.decode(raw)) do
    if other ~= member then kept[#kept + 1] = other end
  end
  if #kept == 0 then redis.call('HDEL', key, field) else redis.call('HSET', key, field, cjson.encode(kept)) end
end

local function drop_entry(eid)
  local raw = redis.call('HGET', KEYS[3], eid)
  if raw then
    local e = cjson.decode(raw)
    if e.h ~= '' then list_remove(KEYS[6], e.h, eid) end
    if e.u ~= '' then list_remove(KEYS[7], e.u, eid) end
    local s = redis.call('HGET', KEYS[4], eid)
    if s then
      for _, key in ipairs(band_keys(s)) do list_remove(KEYS[8], key, eid) end
    end
    redis.call('HDEL', KEYS[3], eid)
    redis.call('HDEL', KEYS[4], eid)
  end
  redis.call('ZREM', KEYS[5], eid)
end

-- Watermark and expiry, a bounded number per call so no call blocks Redis for long.
local watermark = tonumber(redis.call('HGET', KEYS[9], 'watermark') or ARGV[2])
if t > watermark then watermark = t end
redis.call('HSET', KEYS[9], 'watermark', string.format('%.6f', watermark))
for _, eid in ipairs(redis.call('ZRANGEBYSCORE', KEYS[5], '-inf', '(' .. string.format('%.6f', watermark - window), 'LIMIT', 0, limit)) do
  drop_entry(eid)
end
local decision_horizon = watermark - math.max(retention, window)
for _, did in ipairs(redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', '(' .. string.format('%.6f', decision_horizon), 'LIMIT', 0, limit)) do
  redis.call('HDEL', KEYS[1], did)
  redis.call('ZREM', KEYS[2], did)
end

local function in_window(eid)
  local raw = redis.call('HGET', KEYS[3], eid)
  if not raw then return nil end
  local e = cjson.decode(raw)
  if math.abs(tonumber(e.t) - t) > window then return nil end
  return e
end

local function first_in_window(key, field)
  local raw = redis.call('HGET', key, field)
  if not raw then return nil, nil end
  for _, eid in ipairs(cjson.decode(raw)) do
    local e = in_window(eid)
    if e then return eid, e end
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

local kind, dup, cluster, similarity = 'unique', nil, id, 0
if hash ~= '' then
  local eid, e = first_in_window(KEYS[6], hash)
  if eid then kind, dup, cluster, similarity = 'exact', eid, e.c, 1 end
end
if kind == 'unique' and url ~= '' then
  local eid, e = first_in_window(KEYS[7], url)
  if eid then
    kind, dup, cluster = 'url', eid, e.c
    local other = redis.call('HGET', KEYS[4], eid)
    if sig ~= '' and other then
      local s, j = score(other, tonumber(e.n))
      similarity = s or j
    end
  end
end
if kind == 'unique' and sig ~= '' then
  local seen, best, best_seq = {}, nil, nil
  for _, key in ipairs(band_keys(sig)) do
    local raw = redis.call('HGET', KEYS[8], key)
    if raw then
      for _, eid in ipairs(cjson.decode(raw)) do
        if not seen[eid] then
          seen[eid] = true
          local e = in_window(eid)
          local other = e and redis.call('HGET', KEYS[4], eid)
          if other then
            local s = score(other, tonumber(e.n))
            -- ties go to the earliest indexed candidate, as in matching.py
            if s and (best == nil or s > best or (s == best and e.q < best_seq)) then
              best, best_seq, kind, dup, cluster, similarity = s, e.q, 'near', eid, e.c, s
            end
          end
        end
      end
    end
  end
end

-- The similarity as a string of 17 digits: cjson would round numbers to 14 and break parity with Python.
local decision = cjson.encode({k = kind, d = dup or cjson.null, c = cluster, s = string.format('%.17g', similarity)})
redis.call('HSET', KEYS[1], id, decision)
redis.call('ZADD', KEYS[2], t, id)
if kind == 'unique' or index_dups then
  local seq = redis.call('HINCRBY', KEYS[9], 'seq', 1)
  redis.call('HSET', KEYS[3], id, cjson.encode({t = ARGV[2], h = hash, u = url, n = n, c = cluster, q = seq}))
  redis.call('ZADD', KEYS[5], t, id)
  if hash ~= '' then list_append(KEYS[6], hash, id) end
  if url ~= '' then list_append(KEYS[7], url, id) end
  if sig ~= '' then
    redis.call('HSET', KEYS[4], id, sig)
    for _, key in ipairs(band_keys(sig)) do list_append(KEYS[8], key, id) end
  end
end
return decision
