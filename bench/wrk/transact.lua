-- TransactWriteItems of 4 Puts of random distinct keys over the BENCH_KEYS keyspace (~101-byte
-- items). Run through bench/run.sh, which puts this beside the shared workloads.
local C = dofile((debug.getinfo(1, "S").source:match("^@(.*/)") or "./") .. "common.lua")
local head
setup = C.setup
function init(args) C.init(); head = C.head("TransactWriteItems") end
function request()
   local items, seen = {}, {}
   while #items < 4 do
      local key = C.kv_key()
      if not seen[key] then
         seen[key] = true
         items[#items + 1] = '{"Put":{"TableName":"' .. C.kv_table .. '","Item":{"pk":{"S":"'
            .. key .. '"},"v":{"S":"' .. C.value .. '"}}}}'
      end
   end
   return C.req(head, '{"TransactItems":[' .. table.concat(items, ",") .. ']}')
end
done = C.done
