#!/usr/bin/env node
import{createRequire as __mlfCreateRequire}from'node:module';const require=__mlfCreateRequire(import.meta.url);
import{h as r,m as o}from"./chunks/chunk-6H6XOSNO.js";import{e as t}from"./chunks/chunk-R322CRUD.js";import"./chunks/chunk-HSMDGGFK.js";import"./chunks/chunk-3QKZT7ZR.js";import{fileURLToPath as i}from"node:url";try{await t({core:o,env:process.env,cliPath:i(new URL("./cli.js",import.meta.url))})}catch(e){r(`ml-footprint: ${e.message}`)}
