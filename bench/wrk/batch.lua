-- BatchWriteItem of 25 PutRequests of random distinct keys over the BENCH_KEYS keyspace
-- (~101-byte items): items/s is 25 x requests/s.
local C = dofile((debug.getinfo(1, "S").source:match("^@(.*/)") or "./") .. "common.lua")
local head
setup = C.setup
function init(args) C.init(); head = C.head("BatchWriteItem") end
function request()
   local items, seen = {}, {}
   while #items < 25 do
      local key = C.kv_key()
      if not seen[key] then
         seen[key] = true
         items[#items + 1] = '{"PutRequest":{"Item":{"pk":{"S":"' .. key
            .. '"},"v":{"S":"' .. C.value .. '"}}}}'
      end
   end
   return C.req(head, '{"RequestItems":{"' .. C.kv_table .. '":[' .. table.concat(items, ",") .. ']}}')
end
done = C.done
