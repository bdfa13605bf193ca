#!/usr/bin/env node
import{createRequire as __mlfCreateRequire}from'node:module';const require=__mlfCreateRequire(import.meta.url);
import{e as i}from"./chunk-DBKTZJ3U.js";import"./chunk-3QKZT7ZR.js";import{promises as t}from"fs";async function o(){for(let r of["/etc/machine-id","/var/lib/dbus/machine-id"])try{return(await t.readFile(r,{encoding:"utf8"})).trim()}catch(e){i.debug(`error reading machine id: ${e}`)}}export{o as getMachineId};
