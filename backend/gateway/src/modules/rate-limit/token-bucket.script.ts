/**
 * Takes one token from every bucket in KEYS, or from none: one atomic decision however many gateway instances share
 * the Redis, on Redis's own clock (so their clocks need not agree). ARGV: per key, its burst and its window in ms
 * (the time to refill the whole burst). A bucket is a hash {t = tokens, ts = last update in ms}, expiring once full.
 * Returns {allowed (1/0), retry after ms, then per key: tokens left (floored), ms until full}.
 */
export const TOKEN_BUCKET_SCRIPT = `
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local levels = {}
local allowed = 1
local retry = 0
for i = 1, #KEYS do
  local burst = tonumber(ARGV[2 * i - 1])
  local window = tonumber(ARGV[2 * i])
  local rate = burst / window
  local state = redis.call('HMGET', KEYS[i], 't', 'ts')
  local level = tonumber(state[1])
  local updated = tonumber(state[2])
  if level == nil or updated == nil then
    level = burst
  else
    level = math.min(burst, level + math.max(0, now - updated) * rate)
  end
  if level < 1 then
    allowed = 0
    retry = math.max(retry, math.ceil((1 - level) / rate))
  end
  levels[i] = level
end
local result = { allowed, retry }
for i = 1, #KEYS do
  local burst = tonumber(ARGV[2 * i - 1])
  local window = tonumber(ARGV[2 * i])
  local level = levels[i]
  if allowed == 1 then
    level = level - 1
    redis.call('HSET', KEYS[i], 't', tostring(level), 'ts', tostring(now))
    redis.call('PEXPIRE', KEYS[i], window)
  end
  result[2 + 2 * i - 1] = math.floor(level)
  result[2 + 2 * i] = math.ceil((burst - level) * window / burst)
end
return result
`;
