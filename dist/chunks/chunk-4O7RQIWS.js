#!/usr/bin/env node
import{createRequire as __mlfCreateRequire}from'node:module';const require=__mlfCreateRequire(import.meta.url);
import{performance as e}from"node:perf_hooks";function m(o={}){let n=o.monotonicNow??(()=>e.now()),r=(o.wallNow??Date.now)(),c=n();return()=>r+Math.round(n()-c)}export{m as a};
