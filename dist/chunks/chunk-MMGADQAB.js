#!/usr/bin/env node
import{createRequire as __mlfCreateRequire}from'node:module';const require=__mlfCreateRequire(import.meta.url);
import*as o from"child_process";import*as s from"util";var c=s.promisify(o.exec);export{c as a};
