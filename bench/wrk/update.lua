-- UpdateItem of random keys over the BENCH_KEYS (100k) keyspace of bench_kv, with a
-- 3-action SET using if_not_exists and +:
--   SET v = :v, hits = if_not_exists(hits, :zero) + :one, seen = if_not_exists(seen, :seed)
-- Keys not preloaded are created (upsert); items stay ~125 bytes, close to put.lua's.
-- usage: wrk -t1 -c16 -d10s --latency -s update.lua http://HOST:PORT
-- Needs the shared bench's common.lua: next to this file (when copied into a copy of the
-- shared bench/wrk folder), in $BENCH_WRK_DIR, or at ../../../shared/bench/wrk/ from here.
local here = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
local function exists(path)
   local f = io.open(path, "r")
   if f then f:close() end
   return f ~= nil
end
local common = here .. "common.lua"
if not exists(common) then
   local dir = os.getenv("BENCH_WRK_DIR")
   if dir then
      common = dir .. (dir:sub(-1) == "/" and "" or "/") .. "common.lua"
   else
      common = here .. "../../../shared/bench/wrk/common.lua"
   end
end
local C = dofile(common)

local function update_body(key)
   return '{"TableName":"' .. C.kv_table .. '","Key":{"pk":{"S":"' .. key .. '"}},'
       .. '"UpdateExpression":"SET v = :v, hits = if_not_exists(hits, :zero) + :one, '
       .. 'seen = if_not_exists(seen, :seed)",'
       .. '"ExpressionAttributeValues":{":v":{"S":"' .. C.value .. '"},'
       .. '":zero":{"N":"0"},":one":{"N":"1"},":seed":{"N":"' .. C.seed .. '"}}}'
end

local head
setup = C.setup
function init(args) C.init(); head = C.head("UpdateItem") end
function request() return C.req(head, update_body(C.kv_key())) end
done = C.done
