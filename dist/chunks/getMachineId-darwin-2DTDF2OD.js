#!/usr/bin/env node
import{createRequire as __mlfCreateRequire}from'node:module';const require=__mlfCreateRequire(import.meta.url);
import{a as r}from"./chunk-MMGADQAB.js";import{e as i}from"./chunk-DBKTZJ3U.js";import"./chunk-3QKZT7ZR.js";async function a(){try{let t=(await r('ioreg -rd1 -c "IOPlatformExpertDevice"')).stdout.split(`
`).find(n=>n.includes("IOPlatformUUID"));if(!t)return;let e=t.split('" = "');if(e.length===2)return e[1].slice(0,-1)}catch(t){i.debug(`error reading machine id: ${t}`)}}export{a as getMachineId};
